import { parseStatusArguments, STATUS_USAGE, type StatusScope } from "../config/status-arguments.js";
import type { CliEnv } from "../env.js";
import { ConnectionNotices } from "../server/connection-notices.js";
import { followRuns, isFinished } from "../server/follow-runs.js";
import { followSubscription } from "../server/follow-subscription.js";
import { loadRunStatuses, type RunStatus } from "../server/run-status-rows.js";
import { createUserApi, type UserApi } from "../server/user-api.js";
import { LiveProgress } from "../terminal/live-progress.js";
import { renderAttemptsTable, renderRunsTable } from "../terminal/runs-table.js";
import type { CommandStreams } from "./prune-command.js";

type ListScope = Exclude<StatusScope, { kind: "run" }>;

/**
 * `deadweight status`: a table of runs (a team's queue, a project's, an experiment's), or one run
 * with its attempts; with --follow, live until the runs have finished (or `signal` aborts: Ctrl-C).
 */
export async function statusCommand(
  argv: readonly string[],
  streams: CommandStreams,
  env: CliEnv,
  signal?: AbortSignal,
): Promise<void> {
  const args = parseStatusArguments(argv, env);
  if (args.help || args.connection === null) {
    streams.stdout.write(STATUS_USAGE);
    return;
  }
  const api = createUserApi(args.connection);
  if (args.scope.kind === "run") {
    const run = args.follow
      ? await followOneRun(api, args.scope.runId, streams, signal)
      : (await loadRunStatuses(api, [args.scope.runId]))[0];
    if (run !== undefined) printOneRun(run, streams);
    return;
  }
  if (args.follow) {
    await followList(api, args.scope, args.limit, streams, signal);
    return;
  }
  streams.stdout.write(await listText(api, args.scope, args.limit).then((list) => list.text));
}

function printOneRun(run: RunStatus, streams: CommandStreams): void {
  streams.stdout.write(`${renderRunsTable([run])}\n\nattempts:\n${renderAttemptsTable(run.attempts)}\n`);
  for (const attempt of run.attempts) {
    if (attempt.resumedAtEpoch === undefined || attempt.resumedAtEpoch === null) continue;
    streams.stdout.write(
      `\nattempt ${attempt.attempt} resumed training at epoch ${attempt.resumedAtEpoch} from the checkpoint an earlier attempt stored\n`,
    );
  }
  if (run.errorMessage !== null) streams.stdout.write(`\nerror: ${run.errorMessage}\n`);
}

/** --follow --run: the run's progress line as the server pushes it (run.watch), until it finishes. */
async function followOneRun(
  api: UserApi,
  runId: string,
  streams: CommandStreams,
  signal: AbortSignal | undefined,
): Promise<RunStatus | undefined> {
  const progress = new LiveProgress(streams.stdout, [runId]);
  const notices = new ConnectionNotices(api.serverUrl, streams.stdout, () => progress.finish());
  const followed = await followRuns(api, [runId], {
    notices,
    onChange: (runs) => progress.show(runs.values()),
    signal,
  });
  progress.finish();
  const [run] = followed.runs;
  if (!followed.finished) streams.stdout.write("stopped following; the run goes on on the server\n");
  if (run === undefined) return undefined;
  const experiment = await api.call(`reading experiment ${run.experimentId}`, (c) =>
    c.experiment.get.query({ experimentId: run.experimentId }),
  );
  streams.stdout.write("\n");
  return { ...run, experimentName: experiment.name };
}

/**
 * --follow without --run: the table, printed again whenever project.watch says a run of the
 * scope's project(s) changed (changes arriving during a reprint make one more, not one each),
 * until none of the listed runs is queued or running.
 */
async function followList(
  api: UserApi,
  scope: ListScope,
  limit: number,
  streams: CommandStreams,
  signal: AbortSignal | undefined,
): Promise<void> {
  const projectIds = await projectsOf(api, scope);
  const notices = new ConnectionNotices(api.serverUrl, streams.stdout);
  const allFinished = new AbortController();
  const stop = signal === undefined ? allFinished.signal : AbortSignal.any([signal, allFinished.signal]);
  let printed = "";
  let failure: unknown = null;
  let refreshing: { again: boolean } | null = null;
  const refresh = () => {
    if (refreshing !== null) {
      refreshing.again = true;
      return;
    }
    const current = { again: true };
    refreshing = current;
    void (async () => {
      try {
        while (current.again && !stop.aborted) {
          current.again = false;
          const list = await listText(api, scope, limit);
          if (list.text !== printed) streams.stdout.write(printed === "" ? list.text : `\n${list.text}`);
          printed = list.text;
          if (list.runs.every(isFinished)) allFinished.abort();
        }
      } catch (error) {
        failure = error;
        allFinished.abort();
      } finally {
        refreshing = null;
      }
    })();
  };
  try {
    await Promise.all(
      projectIds.map((projectId) =>
        followSubscription<{ runIds: readonly string[] } | { everything: true }>({
          open: (lastEventId, callbacks) =>
            api.client.project.watch.subscribe(
              { projectId, ...(lastEventId === undefined ? {} : { lastEventId }) },
              callbacks,
            ),
          what: `following project ${projectId}`,
          serverUrl: api.serverUrl,
          key: projectId,
          notices,
          signal: stop,
          // The first update (no runs) comes at once: the table is printed then, so nothing that
          // changes after the subscription started is missed.
          onUpdate: () => {
            refresh();
            return false;
          },
        }).catch((error: unknown) => {
          allFinished.abort();
          throw error;
        }),
      ),
    );
  } finally {
    allFinished.abort();
  }
  if (failure !== null) throw failure;
  if (projectIds.length === 0) streams.stdout.write("no runs\n");
  else if (signal?.aborted) streams.stdout.write("stopped following; the runs go on on the server\n");
}

/** The projects whose changes can change the table. */
async function projectsOf(api: UserApi, scope: ListScope): Promise<string[]> {
  if (scope.kind === "project") return [scope.projectId];
  if (scope.kind === "experiment") {
    const experiment = await api.call(`reading experiment ${scope.experimentId}`, (c) =>
      c.experiment.get.query({ experimentId: scope.experimentId }),
    );
    return [experiment.projectId];
  }
  const [team] = await api.call("reading your teams", (c) => c.team.listMine.query());
  if (team === undefined) return [];
  const projectIds: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await api.call("listing your team's projects", (c) =>
      c.project.list.query({ teamId: team.id, limit: 100, ...(cursor === undefined ? {} : { cursor }) }),
    );
    projectIds.push(...page.items.map((project) => project.id));
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return projectIds;
}

/** The table of the scope's runs, as `deadweight status` prints it. */
async function listText(api: UserApi, scope: ListScope, limit: number) {
  const runIds = await listRunIds(api, scope, limit);
  const runs = await loadRunStatuses(api, runIds.items);
  let text = `${renderRunsTable(runs)}\n`;
  if (runIds.more) text += `(the newest ${limit} runs; --limit shows up to 100)\n`;
  return { runs, text };
}

async function listRunIds(api: UserApi, scope: ListScope, limit: number) {
  let where: { teamId: string } | { projectId: string } | { experimentId: string };
  if (scope.kind === "team") {
    const teams = await api.call("reading your teams", (c) => c.team.listMine.query());
    const [team] = teams;
    if (team === undefined) {
      return { items: [], more: false };
    }
    where = { teamId: team.id };
  } else {
    where = scope.kind === "project" ? { projectId: scope.projectId } : { experimentId: scope.experimentId };
  }
  const page = await api.call(
    `listing the runs of ${scope.kind === "team" ? "your team" : `${scope.kind} ${Object.values(where)[0]}`}`,
    (c) => c.run.list.query({ ...where, limit }),
  );
  return { items: page.items.map((run) => run.id), more: page.nextCursor !== null };
}
