import { basename, extname } from "node:path";
import type { SweepRow } from "@deadweight/core";
import type { ReportedProgress } from "@deadweight/protocol";
import { loadExperimentConfig } from "../config/load-experiment-config.js";
import { parseSubmitArguments, SUBMIT_USAGE } from "../config/submit-arguments.js";
import type { CliEnv } from "../env.js";
import { loadRunStatuses, type RunStatus } from "../server/run-status-rows.js";
import { createUserApi, type UserApi } from "../server/user-api.js";
import { ProgressLine, type ProgressStream } from "../terminal/progress-bar.js";
import { renderResultsTable } from "../terminal/results-table.js";
import { progressDetail, renderRunsTable } from "../terminal/runs-table.js";
import type { CommandStreams } from "./prune-command.js";

export interface SubmitOutcome {
  readonly experimentId: string;
  readonly runIds: string[];
  /** With --wait: true when every run succeeded. */
  readonly succeeded: boolean | null;
}

const WAIT_POLL_MS = 1_000;

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
  const finished = await waitForRuns(api, runIds, streams.stderr, signal);
  streams.stdout.write(`\n${renderRunsTable(finished)}\n`);
  for (const run of finished) {
    if (run.status === "succeeded") await printResults(api, run, streams);
    else if (run.errorMessage !== null) streams.stdout.write(`\nrun ${run.id} ${run.status}: ${run.errorMessage}\n`);
  }
  return { experimentId: experiment.id, runIds, succeeded: finished.every((run) => run.status === "succeeded") };
}

/** Polls the runs until none is queued or running, with a progress line for the one being worked on. */
async function waitForRuns(
  api: UserApi,
  runIds: readonly string[],
  stream: ProgressStream,
  signal?: AbortSignal,
): Promise<RunStatus[]> {
  const line = new ProgressLine(stream);
  let lastShown = "";
  for (;;) {
    const runs = await loadRunStatuses(api, runIds);
    const active = runs.find((run) => run.status === "running") ?? runs.find((run) => run.status === "queued");
    if (active === undefined) {
      line.finish();
      return runs;
    }
    const label = runIds.length > 1 ? `run ${runIds.indexOf(active.id) + 1}/${runIds.length}` : "run";
    const state = progressState(active, label);
    // On a terminal a new stage or epoch keeps the finished bar and starts a new one; in a log the
    // progress line prints a new label on its own.
    if (state.label !== lastShown && stream.isTTY === true) line.finish();
    lastShown = state.label;
    line.update(state);
    if (signal?.aborted) {
      line.finish();
      stream.write("stopped waiting; the run goes on on the server (deadweight status shows it)\n");
      return runs;
    }
    await new Promise((resolve) => setTimeout(resolve, WAIT_POLL_MS));
  }
}

function progressState(run: RunStatus, label: string) {
  if (run.status === "queued") {
    const resumes = run.completedStages.length > 0 ? `, resumes after ${run.completedStages.at(-1)}` : "";
    const detail =
      run.attempt === 0 ? "waiting for a worker" : `after attempt ${run.attempt}/${run.maxAttempts}${resumes}`;
    return { label: `${label} queued`, done: 0, total: 1, detail };
  }
  const progress: Partial<ReportedProgress> = run.progress ?? {};
  const stage = progress.stage ?? "starting";
  const epoch = stage === "train" && progress.epoch !== undefined ? ` epoch ${progress.epoch}/${progress.epochs}` : "";
  return {
    label: `${label} ${stage}${epoch}`,
    done: progress.batch ?? 0,
    total: progress.batches ?? 0,
    detail: `${progressDetail(progress)} (worker ${run.worker ?? "?"})`.trim(),
    ...(progress.etaSeconds === undefined ? {} : { etaSeconds: progress.etaSeconds }),
  };
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
