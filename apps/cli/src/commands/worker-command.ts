import { runWorker } from "@deadweight/worker";
import { parseWorkerArguments, WORKER_USAGE } from "../config/worker-arguments.js";
import type { CliEnv } from "../env.js";
import type { CommandStreams } from "./prune-command.js";

/**
 * `deadweight worker`: runs the team's queued runs until `signal` aborts (Ctrl-C, SIGTERM), then
 * releases the run in progress and returns. Log lines go to stderr with a time stamp.
 */
export async function workerCommand(
  argv: readonly string[],
  streams: CommandStreams,
  env: CliEnv,
  signal: AbortSignal,
): Promise<void> {
  const args = parseWorkerArguments(argv, env);
  if (args.help || args.connection === null) {
    streams.stdout.write(WORKER_USAGE);
    return;
  }
  await runWorker({
    serverUrls: args.connection.serverUrls,
    token: args.connection.token,
    concurrency: args.concurrency,
    ...(args.isolation === undefined ? {} : { runIn: args.isolation }),
    ...(args.keepWarmSeconds === undefined ? {} : { keepWarmSeconds: args.keepWarmSeconds }),
    ...(args.threadsPerRun === undefined ? {} : { threadsPerRun: args.threadsPerRun }),
    ...(args.maxMemoryBytes === undefined ? {} : { maxMemoryBytes: args.maxMemoryBytes }),
    ...(args.workerName === undefined ? {} : { workerName: args.workerName }),
    ...(args.checkpointMinutes === undefined ? {} : { checkpointMinutes: args.checkpointMinutes }),
    ...(args.leaseSeconds === undefined ? {} : { leaseSeconds: args.leaseSeconds }),
    ...(args.pollSeconds === undefined ? {} : { pollSeconds: args.pollSeconds }),
    ...(args.maxPollSeconds === undefined ? {} : { maxPollSeconds: args.maxPollSeconds }),
    ...(args.dataRoots === undefined ? {} : { dataRoots: args.dataRoots }),
    ...(args.datasetCacheDir === undefined ? {} : { datasetCacheDir: args.datasetCacheDir }),
    ...(env.fashionMnistDir === undefined ? {} : { fashionMnistDirectory: env.fashionMnistDir }),
    signal,
    log: (line) => streams.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`),
  });
}
