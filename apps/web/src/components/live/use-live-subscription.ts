"use client";

import { useEffect, useRef, useState } from "react";
import { connectionAfterError, type LiveConnection, resumeDelayMs } from "./live-connection";

/** The callbacks a tRPC subscription of tracked updates takes (a subset of tRPC's observer). */
export interface LiveObserver<TUpdate> {
  onData(update: { readonly id: string; readonly data: TUpdate }): void;
  onError(error: unknown): void;
  /** tRPC's connection states: `connecting` (first or again, with the error that dropped it), `pending` (connected), `idle` (ended). */
  onConnectionStateChange(state: { readonly state: "idle" | "connecting" | "pending"; readonly error: unknown }): void;
  onComplete(): void;
}

/** Opens the subscription (sending the last update's id when resuming); returns how to close it. */
export type OpenLiveSubscription<TUpdate> = (
  lastEventId: string | null,
  observer: LiveObserver<TUpdate>,
) => { unsubscribe(): void };

/**
 * Keeps a tracked subscription open while the page shows it, and says how it stands.
 *
 * The browser's EventSource reconnects by itself when a connection drops; this also opens the
 * stream again when the server ended it (a server that shuts down ends its subscriptions cleanly,
 * which tRPC's client takes as final) or failed it for a reason a retry may cure, after a growing
 * delay, resuming from the last update's id. It stops only when the page leaves or the server
 * refuses for good (NOT_FOUND, FORBIDDEN, ...).
 */
export function useLiveSubscription<TUpdate>(
  key: string,
  open: OpenLiveSubscription<TUpdate>,
  onUpdate: (update: TUpdate) => void,
): LiveConnection {
  const [connection, setConnection] = useState<LiveConnection>({ state: "connecting" });
  const openRef = useRef(open);
  const onUpdateRef = useRef(onUpdate);
  useEffect(() => {
    openRef.current = open;
    onUpdateRef.current = onUpdate;
  });

  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` names the stream; the callbacks are read through refs.
  useEffect(() => {
    let lastEventId: string | null = null;
    let generation = 0;
    let failures = 0;
    let connected = false;
    let left = false;
    let current: { unsubscribe(): void } | null = null;
    let resumeTimer: ReturnType<typeof setTimeout> | null = null;

    const resumeLater = () => {
      if (left || resumeTimer !== null) return;
      setConnection({ state: "reconnecting" });
      failures += 1;
      resumeTimer = setTimeout(() => {
        resumeTimer = null;
        start();
      }, resumeDelayMs(failures));
    };

    const start = () => {
      current?.unsubscribe();
      const mine = ++generation;
      const isCurrent = () => !left && mine === generation;
      current = openRef.current(lastEventId, {
        onData: ({ id, data }) => {
          if (!isCurrent()) return;
          lastEventId = id;
          onUpdateRef.current(data);
        },
        onConnectionStateChange: (state) => {
          if (!isCurrent()) return;
          if (state.state === "pending") {
            connected = true;
            failures = 0;
            setConnection({ state: "live" });
          } else if (state.state === "connecting" && (connected || state.error !== null)) {
            setConnection({ state: "reconnecting" });
          }
        },
        onError: (error) => {
          if (!isCurrent()) return;
          const next = connectionAfterError(error);
          if (next.state === "stopped") {
            generation += 1;
            setConnection(next);
          } else {
            resumeLater();
          }
        },
        onComplete: () => {
          if (isCurrent()) resumeLater();
        },
      });
    };

    start();
    return () => {
      left = true;
      if (resumeTimer !== null) clearTimeout(resumeTimer);
      current?.unsubscribe();
    };
  }, [key]);

  return connection;
}
