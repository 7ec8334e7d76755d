import { statSync } from "node:fs";
import { resolve } from "node:path";
import { MAX_KEEP_WARM_SECONDS, type RunIsolation, type WorkerConnection } from "@deadweight/worker";
import type { CliEnv } from "../env.js";
import { ConfigError } from "./config-error.js";
import { memorySize } from "./memory-size.js";
import { parseFlags } from "./parse-flags.js";
import {
  positiveInteger,
  positiveSeconds,
  SERVER_OPTIONS,
  WORKER_SERVER_USAGE,
  workerConnectionOf,
} from "./server-arguments.js";

export const WORKER_USAGE = `deadweight worker --server <url>[,<url>...] --token <worker token> [options]

Claims the team's queued runs from the server and runs them: load data -> train -> neuron
statistics -> threshold sweep -> export, reporting progress, results and models as it goes.
Datasets named idx:<folder> or csv:<file> are read on this machine, only inside the folders given
with --data-root (and the repository's datasets/ and the bundled MNIST, always allowed); any other
path fails the run before it is opened. Datasets the team uploaded (dataset:<id>) are downloaded
through the API, checked against their sha256 and kept in --cache-dir. Ctrl-C (or SIGTERM) stops
claiming, hands the run in progress back to the queue and exits.

Given several API replicas of one platform (--server http://a:4100,http://b:4100), the worker
sends every call to one of them and moves to the next when it stops answering (refused, reset,
no answer in time, 502/503/504); it stays on the one that works and logs each move.

Options:
${WORKER_SERVER_USAGE}
  --concurrency <n>             runs worked on at once, each in its own process         (default 1)
                                (about one per core; each one's memory is --max-memory / n)
  --isolate process|thread      what each run executes in: a child process, whose       (default process)
                                native fault (a crash in OpenBLAS) fails only that run, or a worker
                                thread (a fresh one starts ~0.2 s sooner, but a native fault in it
                                ends the whole worker)
  --keep-warm <seconds>         how long a thread or process whose run completed waits  (default 10; 0 = a fresh one per run)
                                for the next run, its backend loaded and code compiled
  --threads <n>                 most threads (cores) one run may use                    (default cores / concurrency)
                                (a run uses its experiment's "threads", at most n)
  --max-memory <size>           memory this worker's runs may take together, e.g. 8GiB  (default 80% of the machine's)
                                (each run gets its share by --concurrency; a run estimated above it fails at once)
  --checkpoint-minutes <m>      store a training checkpoint every epoch or every m      (default 5; 0 = every epoch)
                                minutes, whichever is rarer: a killed run resumes there
  --name <name>                 shown in the runs this worker holds                     (default <host>-<pid>)
  --data-root <dir>             a folder whose files runs may name (repeat for several; symbolic links resolved)
  --cache-dir <dir>             where downloaded datasets are kept  (default ~/.cache/deadweight/datasets)
  --lease <seconds>             lease asked for at each claim, renewed by heartbeats    (default 30; 5-600)
  --poll <seconds>              first wait when the queue is empty                      (default 1)
  --max-poll <seconds>          longest wait while the queue stays empty                (default 5)
  --help                        show this help
`;

export interface WorkerArguments {
  readonly help: boolean;
  readonly connection: WorkerConnection | null;
  readonly concurrency: number;
  /** --isolate; the worker's own default (a process per run) when not given. */
  readonly isolation?: RunIsolation;
  /** Undefined: the worker's default (10 s). */
  readonly keepWarmSeconds: number | undefined;
  /** Undefined: the machine's cores divided by concurrency. */
  readonly threadsPerRun: number | undefined;
  /** Undefined: 80% of the machine's memory. */
  readonly maxMemoryBytes: number | undefined;
  readonly workerName: string | undefined;
  /** Undefined: the worker's default (5 minutes). */
  readonly checkpointMinutes: number | undefined;
  readonly leaseSeconds: number | undefined;
  readonly pollSeconds: number | undefined;
  readonly maxPollSeconds: number | undefined;
  /** Folders runs may read dataset paths from, as absolute paths (each an existing folder); undefined: none given. */
  readonly dataRoots: readonly string[] | undefined;
  readonly datasetCacheDir: string | undefined;
}

/** Parses `deadweight worker` flags; the server and token may come from the environment. */
export function parseWorkerArguments(argv: readonly string[], env: Pick<CliEnv, "server" | "token">): WorkerArguments {
  const values = parseFlags(
    argv,
    {
      ...SERVER_OPTIONS,
      help: { type: "boolean", short: "h" },
      concurrency: { type: "string" },
      isolate: { type: "string" },
      "keep-warm": { type: "string" },
      threads: { type: "string" },
      "max-memory": { type: "string" },
      name: { type: "string" },
      "data-root": { type: "string", multiple: true },
      "cache-dir": { type: "string" },
      "checkpoint-minutes": { type: "string" },
      lease: { type: "string" },
      poll: { type: "string" },
      "max-poll": { type: "string" },
    },
    WORKER_USAGE,
  );
  const help = values.help === true;
  const text = (name: string) => values[name] as string | undefined;
  const leaseSeconds = positiveSeconds("--lease", text("lease"));
  if (leaseSeconds !== undefined && (leaseSeconds < 5 || leaseSeconds > 600 || !Number.isInteger(leaseSeconds))) {
    throw new ConfigError(`--lease: "${text("lease")}" must be a whole number of seconds from 5 to 600`);
  }
  const name = text("name");
  if (name !== undefined && (name.trim() === "" || name.length > 100)) {
    throw new ConfigError("--name: give 1 to 100 characters");
  }
  return {
    help,
    connection: help ? null : workerConnectionOf({ server: text("server"), token: text("token") }, env),
    concurrency: positiveInteger("--concurrency", text("concurrency")) ?? 1,
    ...(text("isolate") === undefined ? {} : { isolation: isolationOf(text("isolate") as string) }),
    keepWarmSeconds: keepWarmSecondsOf(text("keep-warm")),
    threadsPerRun: positiveInteger("--threads", text("threads")),
    maxMemoryBytes: memorySize("--max-memory", text("max-memory")),
    workerName: name?.trim(),
    checkpointMinutes: checkpointMinutesOf(text("checkpoint-minutes")),
    leaseSeconds,
    pollSeconds: positiveSeconds("--poll", text("poll")),
    maxPollSeconds: positiveSeconds("--max-poll", text("max-poll")),
    dataRoots: dataRootsOf(values["data-root"] as unknown as string[] | undefined),
    datasetCacheDir: text("cache-dir") === undefined ? undefined : resolve(text("cache-dir") as string),
  };
}

function isolationOf(value: string): RunIsolation {
  if (value === "thread") return "worker-thread";
  if (value === "process") return "child-process";
  throw new ConfigError(`--isolate: "${value}" is not thread or process`);
}

/** --keep-warm: 0 (a fresh thread or process per run) up to MAX_KEEP_WARM_SECONDS (an hour). */
function keepWarmSecondsOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (value.trim() === "" || !Number.isFinite(seconds) || seconds < 0 || seconds > MAX_KEEP_WARM_SECONDS) {
    throw new ConfigError(
      `--keep-warm: "${value}" must be a number of seconds from 0 to ${MAX_KEEP_WARM_SECONDS} (0: a fresh thread or process for every run)`,
    );
  }
  return seconds;
}

/** Each --data-root as an absolute path; a folder that does not exist is a mistake said now, not at the first run. */
function dataRootsOf(roots: readonly string[] | undefined): string[] | undefined {
  return roots?.map((root) => {
    const absolute = resolve(root);
    let folder = false;
    try {
      folder = statSync(absolute).isDirectory();
    } catch {
      folder = false;
    }
    if (!folder)
      throw new ConfigError(`--data-root: "${root}" is not a folder on this machine; give an existing folder`);
    return absolute;
  });
}

function checkpointMinutesOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const minutes = Number(value);
  if (value.trim() === "" || !Number.isFinite(minutes) || minutes < 0) {
    throw new ConfigError(`--checkpoint-minutes: "${value}" must be 0 (every epoch) or a positive number of minutes`);
  }
  return minutes;
}
