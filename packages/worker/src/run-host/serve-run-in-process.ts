import type { FromRun, RunStartData, ToRun } from "./run-host-protocol.js";
import { type RunPipeline, serveRun } from "./serve-run.js";

/** The exit code of a run's process that ended on an error nothing caught (said in a "crashed" message first). */
const CRASHED_EXIT_CODE = 70;

/**
 * The child-process side of a run: says it is ready, runs `pipeline` on the run in the worker's
 * "start" message, stops when the worker says so, and ends with one "end" message. The process
 * leaves when its worker does (the IPC channel closes), so a worker killed with -9 leaves no run
 * computing behind it.
 */
export async function serveRunInThisProcess(pipeline: RunPipeline): Promise<void> {
  const channel = process.send?.bind(process);
  if (channel === undefined) {
    throw new Error("serveRunInThisProcess runs in a child process started by pipelineProcesses (with an IPC channel)");
  }
  const send = (message: FromRun) => {
    if (process.connected) channel(message);
  };
  process.on("disconnect", () => process.exit(0));
  const crash = (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    if (!process.connected) process.exit(CRASHED_EXIT_CODE);
    // Exit once the message is out: the worker then reports the reason, not only the exit code.
    channel({ type: "crashed", message } satisfies FromRun, () => process.exit(CRASHED_EXIT_CODE));
  };
  process.on("uncaughtException", crash);
  process.on("unhandledRejection", crash);

  const controller = new AbortController();
  const data = await new Promise<RunStartData>((resolve) => {
    process.on("message", (message: ToRun) => {
      if (message.type === "start") resolve(message.data);
      else if (message.type === "stop" && !controller.signal.aborted) controller.abort(message.stop);
    });
    send({ type: "ready" });
  });
  const end = await serveRun(pipeline, data, controller.signal, send);
  // The run is over: once the worker has its end, this process has nothing left to do.
  if (process.connected) channel(end, () => process.exit(0));
  else process.exit(0);
}
