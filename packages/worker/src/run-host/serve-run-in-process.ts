import type { FromRun, ToRun } from "./run-host-protocol.js";
import { type RunPipeline, serveRuns } from "./serve-run.js";

/** The exit code of a run's process that ended on an error nothing caught (said in a "crashed" message first). */
const CRASHED_EXIT_CODE = 70;

/**
 * The child-process side of runs: says it is ready, then runs `pipeline` on each run the worker
 * sends, one at a time (serveRuns). The process leaves when its worker does (the IPC channel
 * closes), so a worker killed with -9 leaves no run computing behind it.
 */
export function serveRunsInThisProcess(pipeline: RunPipeline): void {
  const channel = process.send?.bind(process);
  if (channel === undefined) {
    throw new Error(
      "serveRunsInThisProcess runs in a child process started by pipelineProcesses (with an IPC channel)",
    );
  }
  process.on("disconnect", () => process.exit(0));
  const send = (message: FromRun) => {
    if (process.connected) channel(message);
  };
  const served = serveRuns(pipeline, send, (receive) => process.on("message", (message: ToRun) => receive(message)));
  const crash = (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    // Left behind by a run that ended: it must not fail the run that runs now. The worker does not
    // keep this process for another run once this one is done.
    const leftoverOf = served.leftoverOf();
    if (leftoverOf !== undefined) {
      send({ type: "leftover-error", runId: leftoverOf, message });
      return;
    }
    if (!process.connected) process.exit(CRASHED_EXIT_CODE);
    // Exit once the message is out: the worker then reports the reason, not only the exit code.
    channel({ type: "crashed", message } satisfies FromRun, () => process.exit(CRASHED_EXIT_CODE));
  };
  process.on("uncaughtException", crash);
  process.on("unhandledRejection", crash);
  send({ type: "ready" });
}
