import type { FromRun, ToRun } from "./run-host-protocol.js";

/** What a run's side tells the run it is running now: its messages, and its death. */
export interface RunSideListener {
  readonly onMessage: (message: FromRun) => void;
  /** The side ended before the run did, for this reason ("ended (exit code 3) before the run did"). */
  readonly died: (reason: string) => void;
}

/**
 * A thread or child process that runs runs, one at a time, as the worker sends them
 * (run-host-protocol.ts): what warmRunHost needs of either.
 */
export interface RunSide {
  /** "thread" or "process", as the attempt's error names it ("the run's thread crashed: ..."). */
  readonly kind: "thread" | "process";
  /** Sends to the side, in order (a process gets what was sent before it listened once it says "ready"). */
  send(message: ToRun): void;
  /** The run it runs now; null while it waits. */
  listener: RunSideListener | null;
  /** A new run: what the side remembers of the last one to explain a death (a process's stderr) is forgotten. */
  beginRun(): void;
  /** Keeps the worker's process alive while it runs a run (ref) or not while it waits (unref). */
  ref(): void;
  unref(): void;
  /**
   * It is going: it has ended, or said it will (a thread's uncaught error, a process's "crashed"
   * message, a turn before its exit). A dying side is never given another run.
   */
  readonly dying: boolean;
  /** Ends it now, if it has not ended; resolves once it has. */
  end(): Promise<void>;
  /** Resolves when it has ended, however. */
  readonly exit: Promise<void>;
}
