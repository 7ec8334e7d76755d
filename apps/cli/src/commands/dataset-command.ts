import { ConfigError } from "../config/config-error.js";
import { DATASET_USAGE, parseDatasetArguments } from "../config/dataset-arguments.js";
import type { CliEnv } from "../env.js";
import { datasetFilesAt, uploadDatasetFiles } from "../server/dataset-upload.js";
import { createUserApi, type UserApi } from "../server/user-api.js";
import { formatBytes } from "../terminal/format-bytes.js";
import type { CommandStreams } from "./prune-command.js";

/** `deadweight dataset upload <path> --name <n>` and `deadweight dataset list`: the team's stored datasets. */
export async function datasetCommand(argv: readonly string[], streams: CommandStreams, env: CliEnv): Promise<void> {
  const args = parseDatasetArguments(argv, env);
  if (args.action === "help") {
    streams.stdout.write(DATASET_USAGE);
    return;
  }
  const api = createUserApi(args.connection);
  const teamId = args.teamId ?? (await onlyTeamId(api));
  if (args.action === "list") {
    const datasets = await api.call("listing the team's datasets", (c) => c.dataset.list.query({ teamId }));
    if (datasets.length === 0) {
      streams.stdout.write("no datasets yet; upload one with `deadweight dataset upload <path> --name <name>`\n");
      return;
    }
    for (const dataset of datasets) {
      const bytes = dataset.files.reduce((sum, file) => sum + file.sizeBytes, 0);
      streams.stdout.write(
        `${dataset.reference}  ${dataset.name}  ${dataset.kind}  ${dataset.files.map((file) => file.name).join(", ")}  ${formatBytes(bytes)}  by ${dataset.createdBy.name}, ${new Date(dataset.createdAt).toISOString().slice(0, 10)}\n`,
      );
    }
    return;
  }
  const files = datasetFilesAt(args.path, args.testPath);
  const dataset = await uploadDatasetFiles(args.connection, { teamId, name: args.name, ...files });
  streams.stdout.write(
    `uploaded dataset "${dataset.name}" (${dataset.kind}: ${dataset.files.map((file) => `${file.name} ${formatBytes(file.sizeBytes)} sha256 ${file.sha256.slice(0, 12)}`).join(", ")})\nname it in an experiment as  "dataset": "${dataset.reference}"\n`,
  );
}

/** The team a token may act in: the one it is scoped to, or the person's only team. */
async function onlyTeamId(api: UserApi): Promise<string> {
  const teams = await api.call("reading your teams", (c) => c.team.listMine.query());
  const [team, ...others] = teams;
  if (team === undefined) throw new ConfigError("you are in no team; ask a team admin to add you");
  if (others.length > 0) {
    throw new ConfigError(
      `you are in ${teams.length} teams; give --team <id>, one of: ${teams.map((t) => `${t.id} (${t.name})`).join(", ")}`,
    );
  }
  return team.id;
}
