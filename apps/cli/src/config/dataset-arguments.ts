import type { ServerConnection } from "@deadweight/worker";
import type { CliEnv } from "../env.js";
import { ConfigError } from "./config-error.js";
import { parseFlagsAndWords } from "./parse-flags.js";
import { SERVER_OPTIONS, SERVER_USAGE, serverConnectionOf } from "./server-arguments.js";

export const DATASET_USAGE = `deadweight dataset upload <path> --name <name> [--test <test.csv>] [--team <teamId>]
deadweight dataset list [--team <teamId>]

Datasets the platform stores: upload the files once, then name the dataset in an experiment as
"dataset": "dataset:<id>"; any worker of the team downloads it through the API (checked against
its sha256, cached), wherever it runs. <path> is a CSV file (.csv or .csv.gz; with --test, a
separate test file) or a folder holding the four MNIST-style IDX files (each may be .gz).

Options:
${SERVER_USAGE}
  --name <name>                 the dataset's name in the team (upload)
  --test <file>                 a CSV test file uploaded with the training file (upload)
  --team <id>                   the team (default: your token's team, or your only team)
  --help                        show this help
`;

export type DatasetArguments =
  | { readonly action: "help" }
  | {
      readonly action: "upload";
      readonly connection: ServerConnection;
      readonly path: string;
      readonly testPath: string | undefined;
      readonly name: string;
      readonly teamId: string | undefined;
    }
  | { readonly action: "list"; readonly connection: ServerConnection; readonly teamId: string | undefined };

/** Parses `deadweight dataset upload|list` flags; the server and token may come from the environment. */
export function parseDatasetArguments(
  argv: readonly string[],
  env: Pick<CliEnv, "server" | "token">,
): DatasetArguments {
  const parsed = parseFlagsAndWords(
    argv,
    {
      ...SERVER_OPTIONS,
      help: { type: "boolean", short: "h" },
      name: { type: "string" },
      test: { type: "string" },
      team: { type: "string" },
    },
    DATASET_USAGE,
  );
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const [action, ...paths] = parsed.positionals;
  if (values.help === true || action === undefined || action === "help") return { action: "help" };
  const text = (name: string) => values[name] as string | undefined;
  const connection = () => serverConnectionOf("dataset", { server: text("server"), token: text("token") }, env, "user");
  if (action === "list") {
    if (paths.length > 0) throw new ConfigError(`deadweight dataset list takes no path, got "${paths.join(" ")}"`);
    return { action: "list", connection: connection(), teamId: text("team") };
  }
  if (action !== "upload") {
    throw new ConfigError(`deadweight dataset: "${action}" is not an action; use upload or list\n\n${DATASET_USAGE}`);
  }
  const [path, ...extra] = paths;
  if (path === undefined || extra.length > 0) {
    throw new ConfigError(
      "deadweight dataset upload: give one <path> (a CSV file, or a folder of IDX files); a CSV test file goes with --test",
    );
  }
  const name = text("name");
  if (name === undefined || name.trim() === "") {
    throw new ConfigError("deadweight dataset upload: --name <name> is required (the dataset's name in the team)");
  }
  return { action: "upload", connection: connection(), path, testPath: text("test"), name, teamId: text("team") };
}
