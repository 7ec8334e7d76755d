import { parseStatusArguments, STATUS_USAGE, type StatusScope } from "../config/status-arguments.js";
import type { CliEnv } from "../env.js";
import { loadRunStatuses } from "../server/run-status-rows.js";
import { createUserApi, type UserApi } from "../server/user-api.js";
import { renderAttemptsTable, renderRunsTable } from "../terminal/runs-table.js";
import type { CommandStreams } from "./prune-command.js";

/** `deadweight status`: a table of runs (a team's queue, a project's, an experiment's), or one run with its attempts. */
export async function statusCommand(argv: readonly string[], streams: CommandStreams, env: CliEnv): Promise<void> {
  const args = parseStatusArguments(argv, env);
  if (args.help || args.connection === null) {
    streams.stdout.write(STATUS_USAGE);
    return;
  }
  const api = createUserApi(args.connection);
  if (args.scope.kind === "run") {
    const [run] = await loadRunStatuses(api, [args.scope.runId]);
    if (run === undefined) return;
    streams.stdout.write(`${renderRunsTable([run])}\n\nattempts:\n${renderAttemptsTable(run.attempts)}\n`);
    for (const attempt of run.attempts) {
      if (attempt.resumedAtEpoch === undefined || attempt.resumedAtEpoch === null) continue;
      streams.stdout.write(
        `\nattempt ${attempt.attempt} resumed training at epoch ${attempt.resumedAtEpoch} from the checkpoint an earlier attempt stored\n`,
      );
    }
    if (run.errorMessage !== null) streams.stdout.write(`\nerror: ${run.errorMessage}\n`);
    return;
  }
  const runIds = await listRunIds(api, args.scope, args.limit);
  const runs = await loadRunStatuses(api, runIds.items);
  streams.stdout.write(`${renderRunsTable(runs)}\n`);
  if (runIds.more) streams.stdout.write(`(the newest ${args.limit} runs; --limit shows up to 100)\n`);
}

async function listRunIds(api: UserApi, scope: Exclude<StatusScope, { kind: "run" }>, limit: number) {
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
