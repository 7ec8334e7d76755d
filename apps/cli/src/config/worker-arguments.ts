import type { WorkerConnection } from "@deadweight/worker";
import type { CliEnv } from "../env.js";
import { ConfigError } from "./config-error.js";
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
Datasets named idx:<folder> or csv:<file> are read on this machine. Ctrl-C (or SIGTERM) stops
claiming, hands the run in progress back to the queue and exits.

Given several API replicas of one platform (--server http://a:4100,http://b:4100), the worker
sends every call to one of them and moves to the next when it stops answering (refused, reset,
no answer in time, 502/503/504); it stays on the one that works and logs each move.

Options:
${WORKER_SERVER_USAGE}
  --concurrency <n>             runs worked on at once                                  (default 1)
  --name <name>                 shown in the runs this worker holds                     (default <host>-<pid>)
  --lease <seconds>             lease asked for at each claim, renewed by heartbeats    (default 30; 5-600)
  --poll <seconds>              first wait when the queue is empty                      (default 1)
  --max-poll <seconds>          longest wait while the queue stays empty                (default 5)
  --help                        show this help
`;

export interface WorkerArguments {
  readonly help: boolean;
  readonly connection: WorkerConnection | null;
  readonly concurrency: number;
  readonly workerName: string | undefined;
  readonly leaseSeconds: number | undefined;
  readonly pollSeconds: number | undefined;
  readonly maxPollSeconds: number | undefined;
}

/** Parses `deadweight worker` flags; the server and token may come from the environment. */
export function parseWorkerArguments(argv: readonly string[], env: Pick<CliEnv, "server" | "token">): WorkerArguments {
  const values = parseFlags(
    argv,
    {
      ...SERVER_OPTIONS,
      help: { type: "boolean", short: "h" },
      concurrency: { type: "string" },
      name: { type: "string" },
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
    workerName: name?.trim(),
    leaseSeconds,
    pollSeconds: positiveSeconds("--poll", text("poll")),
    maxPollSeconds: positiveSeconds("--max-poll", text("max-poll")),
  };
}
