import type { ServerConnection } from "@deadweight/worker";
import type { CliEnv } from "../env.js";
import { ConfigError } from "./config-error.js";
import { parseFlagsAndWords } from "./parse-flags.js";
import { positiveInteger, SERVER_OPTIONS, SERVER_USAGE, serverConnectionOf } from "./server-arguments.js";

export const SUBMIT_USAGE = `deadweight submit <config.json> --server <url> --token <token> --project <projectId> [options]

Queues an experiment on the server: a worker picks it up. The config file has the fields of
\`deadweight prune --config\` (validated here before anything is sent). A dataset the team
uploaded (\`deadweight dataset upload\`) is named "dataset:<id>"; dataset paths (idx:<folder>,
csv:<file>) are read on the worker's machine, inside its --data-root folders.

Options:
${SERVER_USAGE}
  --project <id>                the project to create the experiment in
  --name <name>                 the experiment's name                                 (default: the file name)
  --tag <tag>                   a tag (repeat for more)
  --runs <n>                    runs to queue, seeds config.seed, +1, ...               (default 1; at most 10)
  --wait                        show the run's progress until it ends (pushed by the server; a
                                lost connection is retried until it is back, Ctrl-C stops waiting
                                and the run goes on); the exit code is 0 when it succeeded,
                                1 when it failed or was canceled
  --help                        show this help
`;

export interface SubmitArguments {
  readonly help: boolean;
  readonly configPath: string;
  readonly connection: ServerConnection | null;
  readonly projectId: string;
  readonly name: string | undefined;
  readonly tags: string[];
  readonly runs: number;
  readonly wait: boolean;
}

/** Parses `deadweight submit` flags; the server and token may come from the environment. */
export function parseSubmitArguments(argv: readonly string[], env: Pick<CliEnv, "server" | "token">): SubmitArguments {
  const parsed = parseFlagsAndWords(
    argv,
    {
      ...SERVER_OPTIONS,
      help: { type: "boolean", short: "h" },
      project: { type: "string" },
      name: { type: "string" },
      tag: { type: "string", multiple: true },
      runs: { type: "string" },
      wait: { type: "boolean" },
    },
    SUBMIT_USAGE,
  );
  const values = parsed.values as Record<string, string | string[] | boolean | undefined>;
  const text = (name: string) => values[name] as string | undefined;
  const help = values.help === true;
  const empty = {
    help,
    configPath: "",
    connection: null,
    projectId: "",
    name: undefined,
    tags: [],
    runs: 1,
    wait: false,
  };
  if (help) return empty;
  const [configPath, ...extra] = parsed.positionals;
  if (configPath === undefined) throw new ConfigError(`deadweight submit: give the config file\n\n${SUBMIT_USAGE}`);
  if (extra.length > 0) throw new ConfigError(`deadweight submit: unexpected argument "${extra[0]}"`);
  const projectId = text("project");
  if (projectId === undefined || projectId.trim() === "") {
    throw new ConfigError(
      "deadweight submit: give the project with --project <projectId> (deadweight platform prints the Demo project's id)",
    );
  }
  const runs = positiveInteger("--runs", text("runs")) ?? 1;
  if (runs > 10) throw new ConfigError(`--runs: at most 10 runs at once, got ${runs}`);
  return {
    ...empty,
    configPath,
    connection: serverConnectionOf("submit", { server: text("server"), token: text("token") }, env, "user"),
    projectId: projectId.trim(),
    name: text("name"),
    tags: (values.tag as string[] | undefined) ?? [],
    runs,
    wait: values.wait === true,
  };
}
