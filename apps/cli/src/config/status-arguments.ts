import type { ServerConnection } from "@deadweight/worker";
import type { CliEnv } from "../env.js";
import { ConfigError } from "./config-error.js";
import { parseFlags } from "./parse-flags.js";
import { positiveInteger, SERVER_OPTIONS, SERVER_USAGE, serverConnectionOf } from "./server-arguments.js";

export const STATUS_USAGE = `deadweight status [--run <id> | --experiment <id> | --project <id>] [--follow] --server <url> --token <token>

Shows runs as a table: status, attempt, stage, progress, worker, error. Without a scope: the
team's whole queue (newest first). With --run: that run and the history of its attempts.
With --follow it stays connected and the server pushes each change: with --run, the run's live
progress (stage, epoch, batch) until it ends, then its table; otherwise the table again whenever
one of its runs changes, until none is queued or running. A lost connection prints a line and is
retried until it is back; Ctrl-C stops following (the runs go on).

Options:
${SERVER_USAGE}
  --run <id>                    one run, with its attempt history
  --experiment <id>             the runs of an experiment
  --project <id>                the runs of a project
  --limit <n>                   most runs shown                                          (default 20; at most 100)
  --follow                      stay live until the run(s) have finished
  --help                        show this help
`;

export type StatusScope =
  | { readonly kind: "run"; readonly runId: string }
  | { readonly kind: "experiment"; readonly experimentId: string }
  | { readonly kind: "project"; readonly projectId: string }
  | { readonly kind: "team" };

export interface StatusArguments {
  readonly help: boolean;
  readonly connection: ServerConnection | null;
  readonly scope: StatusScope;
  readonly limit: number;
  /** --follow: live until the runs have finished. */
  readonly follow: boolean;
}

/** Parses `deadweight status` flags; at most one scope. */
export function parseStatusArguments(argv: readonly string[], env: Pick<CliEnv, "server" | "token">): StatusArguments {
  const values = parseFlags(
    argv,
    {
      ...SERVER_OPTIONS,
      help: { type: "boolean", short: "h" },
      run: { type: "string" },
      experiment: { type: "string" },
      project: { type: "string" },
      limit: { type: "string" },
      follow: { type: "boolean" },
    },
    STATUS_USAGE,
  );
  const text = (name: string) => values[name] as string | undefined;
  if (values.help === true) return { help: true, connection: null, scope: { kind: "team" }, limit: 20, follow: false };
  const given = (["run", "experiment", "project"] as const).filter((name) => text(name) !== undefined);
  if (given.length > 1) {
    throw new ConfigError(
      `deadweight status: give one of --run, --experiment, --project, not ${given.map((g) => `--${g}`).join(" and ")}`,
    );
  }
  const run = text("run");
  const experiment = text("experiment");
  const project = text("project");
  const scope: StatusScope =
    run !== undefined
      ? { kind: "run", runId: run }
      : experiment !== undefined
        ? { kind: "experiment", experimentId: experiment }
        : project !== undefined
          ? { kind: "project", projectId: project }
          : { kind: "team" };
  const limit = positiveInteger("--limit", text("limit")) ?? 20;
  if (limit > 100) throw new ConfigError(`--limit: at most 100, got ${limit}`);
  return {
    help: false,
    connection: serverConnectionOf("status", { server: text("server"), token: text("token") }, env, "user"),
    scope,
    limit,
    follow: values.follow === true,
  };
}
