import { basename, extname } from "node:path";
import type { SweepRow } from "@deadweight/core";
import { loadExperimentConfig } from "../config/load-experiment-config.js";
import { parseSubmitArguments, SUBMIT_USAGE } from "../config/submit-arguments.js";
import type { CliEnv } from "../env.js";
import { ConnectionNotices } from "../server/connection-notices.js";
import { followRuns } from "../server/follow-runs.js";
import type { RunStatus } from "../server/run-status-rows.js";
import { createUserApi, type UserApi } from "../server/user-api.js";
import { LiveProgress } from "../terminal/live-progress.js";
import type { ProgressStream } from "../terminal/progress-bar.js";
import { renderResultsTable } from "../terminal/results-table.js";
import { renderRunsTable } from "../terminal/runs-table.js";
import type { CommandStreams } from "./prune-command.js";

export interface SubmitOutcome {
  readonly experimentId: string;
  readonly runIds: string[];
  /** With --wait: true when every run succeeded. */
  readonly succeeded: boolean | null;
}

/** `deadweight submit`: queues an experiment on a server; with --wait, follows its runs to the end. */
export async function submitCommand(
  argv: readonly string[],
  streams: CommandStreams,
  env: CliEnv,
  signal?: AbortSignal,
): Promise<SubmitOutcome | null> {
  const args = parseSubmitArguments(argv, env);
  if (args.help || args.connection === null) {
    streams.stdout.write(SUBMIT_USAGE);
    return null;
  }
  // Validated here first, with the same schema the server uses, so mistakes name the file and field.
  const config = loadExperimentConfig(args.configPath, {});
  const api = createUserApi(args.connection);
  const name = args.name ?? basename(args.configPath, extname(args.configPath));
  const experiment = await api.call(`queuing "${name}" in project ${args.projectId}`, (c) =>
    c.experiment.create.mutate({ projectId: args.projectId, name, tags: args.tags, config, runs: args.runs }),
  );
  const runIds = experiment.runs.recent.map((run) => run.id).reverse();
  streams.stdout.write(
    `queued experiment "${experiment.name}" (${experiment.id}) in project ${experiment.projectId}: run${runIds.length > 1 ? "s" : ""} ${runIds.join(", ")}\n`,
  );
  if (!args.wait) {
    streams.stdout.write(
      `follow it with: deadweight status --experiment ${experiment.id} --server ${args.connection.serverUrl}\n`,
    );
    return { experimentId: experiment.id, runIds, succeeded: null };
  }
  const finished = await waitForRuns(api, experiment.name, runIds, streams.stderr, signal);
  streams.stdout.write(`\n${renderRunsTable(finished)}\n`);
  for (const run of finished) {
    if (run.status === "succeeded") await printResults(api, run, streams);
    else if (run.errorMessage !== null) streams.stdout.write(`\nrun ${run.id} ${run.status}: ${run.errorMessage}\n`);
  }
  return { experimentId: experiment.id, runIds, succeeded: finished.every((run) => run.status === "succeeded") };
}

/**
 * Follows the runs through run.watch until none is queued or running, with a progress line for the
 * one being worked on; the server pushes each change, nothing is polled. A lost connection prints a
 * line and is reconnected; Ctrl-C (`signal`) stops waiting, the runs go on.
 */
async function waitForRuns(
  api: UserApi,
  experimentName: string,
  runIds: readonly string[],
  stream: ProgressStream,
  signal?: AbortSignal,
): Promise<RunStatus[]> {
  const progress = new LiveProgress(stream, runIds);
  const notices = new ConnectionNotices(api.serverUrl, stream, () => progress.finish());
  const followed = await followRuns(api, runIds, {
    notices,
    onChange: (runs) => progress.show(runs.values()),
    signal,
  });
  progress.finish();
  if (!followed.finished) {
    stream.write("stopped waiting; the run goes on on the server (deadweight status shows it)\n");
  }
  return followed.runs.map((run) => ({ ...run, experimentName }));
}

async function printResults(api: UserApi, run: RunStatus, streams: CommandStreams): Promise<void> {
  const results = await api.call(`reading the results of run ${run.id}`, (c) => c.result.rows.query({ runId: run.id }));
  if (results.base === null) return;
  const rows: SweepRow[] = results.rows.map(({ rowKey, note, ...row }) => ({
    ...row,
    id: rowKey,
    ...(note === null ? {} : { note }),
  }));
  streams.stdout.write(
    `\nrun ${run.id}:\n${renderResultsTable(results.base, rows, { colors: streams.stdout.isTTY === true })}\n`,
  );
}
