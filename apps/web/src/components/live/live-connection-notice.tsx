"use client";

import { Alert } from "@mantine/core";
import type { LiveConnection } from "./live-connection";

/**
 * Says when a page stopped hearing about changes: paused while the stream reconnects (the page shows
 * what it had, and catches up once back), or stopped with the server's reason. Nothing while live.
 */
export function LiveConnectionNotice({ connection }: { readonly connection: LiveConnection }) {
  if (connection.state === "reconnecting") {
    return (
      <Alert color="yellow" role="status" data-testid="live-connection" data-state="reconnecting">
        Live updates paused: reconnecting… What you see may be out of date until the connection is back.
      </Alert>
    );
  }
  if (connection.state === "stopped") {
    return (
      <Alert color="red" role="status" data-testid="live-connection" data-state="stopped">
        Live updates stopped: {connection.message}. Reload the page to try again.
      </Alert>
    );
  }
  // Nothing to see, but the state is there for anyone checking the page (and for its tests).
  return <div hidden data-testid="live-connection" data-state={connection.state} />;
}
