import { type ChildProcess, type ForkOptions, fork } from "node:child_process";
import type { WorkerConnection } from "../api/server-connection.js";
import type { PipelineExecution, PipelineHost } from "../pipeline/pipeline-host.js";
import type { StageContext } from "../pipeline/stage-context.js";
import { followRun } from "./follow-run.js";
import { runHeapMib } from "./run-heap.js";
import type { FromRun, ToRun } from "./run-host-protocol.js";

const RUN_PROCESS_ENTRY = new URL("./run-process-entry.mjs", import.meta.url);
/** The last bytes of a run's standard error kept to say why it died (V8's out-of-memory report, say). */
const STDERR_TAIL_BYTES = 4_096;

export interface PipelineProcessesOptions {
  /** Where each process's own HTTP client reaches the platform (the worker's server URLs and token). */
  readonly connection: WorkerConnection;
  /** The pipeline each process imports: the worker's bundle of run-main.ts (bundleRunPipeline). */
  readonly pipelineModule: URL;
  /** Starts a process; default `fork(entry, args, options)`. Tests count them, or start a scripted entry. */
  readonly startProcess?: (entry: URL, args: readonly string[], options: ForkOptions) => ChildProcess;
}

/**
 * Runs each run's pipeline in a child process of its own, with its own TensorFlow.js backend and its
 * own OpenBLAS. Everything pipelineThreads does, and a process that dies of a native fault (a
 * segmentation fault in OpenBLAS or the wasm runtime) fails only its attempt, with the reason, where
 * in a thread it takes the worker down. The price, measured in bench:queue: each run starts a Node
 * process (~0.2 s more than a thread) and keeps its own JIT and HTTP connections (~0.75 s more CPU
 * per run). A process is killed when its attempt ends, and leaves by itself when its worker does.
 */
export function pipelineProcesses(options: PipelineProcessesOptions): PipelineHost {
  const startProcess = options.startProcess ?? ((entry, args, forkOptions) => fork(entry, [...args], forkOptions));
  return (context) => runInProcess(context, options, startProcess);
}

function runInProcess(
  context: StageContext,
  options: PipelineProcessesOptions,
  startProcess: NonNullable<PipelineProcessesOptions["startProcess"]>,
): PipelineExecution {
  const heapMib = runHeapMib(context.settings);
  let child: ChildProcess;
  try {
    child = startProcess(RUN_PROCESS_ENTRY, [options.pipelineModule.href], {
      // Only this flag, not the worker's own (a TypeScript loader, a profiler): the wasm heap and the
      // datasets' typed arrays live outside V8's old generation, so this bounds the JavaScript objects
      // only, by the run's whole share, and a runaway heap fails this run, not the worker.
      execArgv: [`--max-old-space-size=${heapMib}`],
      serialization: "advanced",
      stdio: ["ignore", "inherit", "pipe", "ipc"],
    });
  } catch (error) {
    return { done: Promise.reject(error), dispose: async () => {} };
  }
  let stderrTail = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    process.stderr.write(chunk);
    stderrTail = (stderrTail + chunk.toString("utf8")).slice(-STDERR_TAIL_BYTES);
  });
  let exited = false;
  const send = (message: ToRun) => {
    if (!exited && child.connected) child.send(message);
  };
  // Messages sent before the process listens would be lost: it says "ready" first, and a stop that
  // comes before then goes with the run.
  let ready = false;
  const run = followRun(context, "process", (stop) => {
    if (ready) send({ type: "stop", stop });
  });
  let crashMessage: string | undefined;
  const exit = new Promise<void>((resolve) => {
    child.once("exit", (code, signal) => {
      exited = true;
      run.died(deathOf(code, signal, crashMessage, stderrTail, heapMib));
      resolve();
    });
    // The process could not be started at all (no such entry, too many processes): no 'exit' comes.
    child.once("error", (error) => {
      if (child.pid !== undefined) return;
      exited = true;
      run.died(`could not start: ${error.message}`);
      resolve();
    });
  });
  child.on("message", (message: FromRun) => {
    if (message.type === "crashed") {
      crashMessage = message.message;
    } else if (message.type === "ready") {
      ready = true;
      send({ type: "start", data: { connection: options.connection, run: context.run, settings: context.settings } });
      if (context.signal.aborted) send({ type: "stop", stop: context.signal.reason });
    } else {
      run.onMessage(message);
    }
  });
  return {
    done: run.done,
    dispose: async () => {
      if (!exited) child.kill("SIGKILL");
      await exit;
    },
  };
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
