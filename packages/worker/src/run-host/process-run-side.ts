import type { ChildProcess, ForkOptions } from "node:child_process";
import type { Socket } from "node:net";
import type { FromRun, ToRun } from "./run-host-protocol.js";
import type { RunSide } from "./run-side.js";

const RUN_PROCESS_ENTRY = new URL("./run-process-entry.mjs", import.meta.url);
/** The last bytes of a run's standard error kept to say why its process died (V8's out-of-memory report, say). */
const STDERR_TAIL_BYTES = 4_096;

/** Starts a process; `fork(entry, args, options)` but for tests, which count them or start a scripted entry. */
export type StartProcess = (entry: URL, args: readonly string[], options: ForkOptions) => ChildProcess;

/**
 * A child process that imports the worker's bundle of the pipeline and runs the runs it is sent,
 * with its own TensorFlow.js and OpenBLAS: a native fault in it fails only its run. It leaves by
 * itself when its worker does (the IPC channel closes).
 */
export function openProcessSide(startProcess: StartProcess, pipelineModule: URL, heapMib: number): RunSide {
  const child = startProcess(RUN_PROCESS_ENTRY, [pipelineModule.href], {
    // Only this flag, not the worker's own (a TypeScript loader, a profiler): the wasm heap and the
    // datasets' typed arrays live outside V8's old generation, so this bounds the JavaScript objects
    // only, by a run's whole share, and a runaway heap fails that run, not the worker.
    execArgv: [`--max-old-space-size=${heapMib}`],
    serialization: "advanced",
    stdio: ["ignore", "inherit", "pipe", "ipc"],
  });
  let exited = false;
  let stderrTail = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    process.stderr.write(chunk);
    stderrTail = (stderrTail + chunk.toString("utf8")).slice(-STDERR_TAIL_BYTES);
  });
  // Messages sent before the process listens would be lost: it says "ready" first, and what was sent
  // before then waits here.
  let waiting: ToRun[] | null = [];
  const deliver = (message: ToRun) => {
    if (!exited && child.connected) child.send(message);
  };
  let crashMessage: string | undefined;
  const exit = new Promise<void>((resolve) => {
    child.once("exit", (code, signal) => {
      exited = true;
      side.listener?.died(deathOf(code, signal, crashMessage, stderrTail, heapMib));
      resolve();
    });
    // The process could not be started at all (no such entry, too many processes): no 'exit' comes.
    // Other errors (a kill or a message that failed) are followed by 'exit', or change nothing.
    child.on("error", (error) => {
      if (child.pid !== undefined || exited) return;
      exited = true;
      side.listener?.died(`could not start: ${error.message}`);
      resolve();
    });
  });
  child.on("message", (message: FromRun) => {
    if (message.type === "crashed") {
      crashMessage = message.message;
    } else if (message.type === "ready") {
      const queued = waiting ?? [];
      waiting = null;
      for (const one of queued) deliver(one);
    } else {
      side.listener?.onMessage(message);
    }
  });
  // The handlers above run on later events, once `side` is set.
  const side: RunSide = {
    kind: "process",
    listener: null,
    send: (message) => {
      if (waiting === null) deliver(message);
      else waiting.push(message);
    },
    beginRun: () => {
      stderrTail = "";
      crashMessage = undefined;
    },
    ref: () => {
      child.ref();
      child.channel?.ref();
      (child.stderr as Socket | null)?.ref();
    },
    unref: () => {
      child.unref();
      child.channel?.unref();
      (child.stderr as Socket | null)?.unref();
    },
    get dying() {
      return exited || crashMessage !== undefined;
    },
    end: async () => {
      if (!exited) {
        // A warm process waits unref'd; its exit must hold the worker's event loop until it comes,
        // or a worker that is stopping runs out of events while it waits and exits with code 13.
        child.ref();
        child.kill("SIGKILL");
      }
      await exit;
    },
    exit,
  };
  return side;
}

/** Why a run's process ended before its run did, in words for the attempt's error. */
function deathOf(
  code: number | null,
  signal: NodeJS.Signals | null,
  crashMessage: string | undefined,
  stderrTail: string,
  heapMib: number,
): string {
  if (crashMessage !== undefined) return `crashed: ${crashMessage}`;
  if (/heap out of memory|Reached heap limit/i.test(stderrTail)) {
    return `ran out of its JavaScript heap (${heapMib} MiB: its memory limit, the run's share of --max-memory)`;
  }
  if (signal === "SIGSEGV" || signal === "SIGBUS" || signal === "SIGILL" || signal === "SIGFPE") {
    return `crashed with ${signal}, a native fault (in OpenBLAS, the wasm runtime or another native library)`;
  }
  if (signal !== null) return `was killed by ${signal} before the run ended`;
  return `ended (exit code ${code}) before the run did`;
}
