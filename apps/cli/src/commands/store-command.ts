import { copyStore, openStore, type Store, StoreCopyError } from "@deadweight/api";
import { ConfigError } from "../config/config-error.js";
import { parseStoreCopyArguments, STORE_COPY_USAGE, type StoreSide } from "../config/store-copy-arguments.js";
import type { CliEnv } from "../env.js";
import { formatBytes } from "../terminal/format-bytes.js";
import type { CommandStreams } from "./prune-command.js";

export const STORE_USAGE = `deadweight store <verb>

  deadweight store copy --from <store> --to <store>   copy a whole tracking store into an empty one
                                                      (see deadweight store copy --help)
`;

/** `deadweight store copy`: moves a team's store, e.g. from the embedded SQLite file into PostgreSQL and S3. */
export async function storeCommand(argv: readonly string[], streams: CommandStreams, env: CliEnv): Promise<void> {
  const [verb, ...rest] = argv;
  if (verb === undefined || verb === "--help" || verb === "-h" || verb === "help") {
    streams.stdout.write(STORE_USAGE);
    return;
  }
  if (verb !== "copy") throw new ConfigError(`unknown store verb "${verb}"\n\n${STORE_USAGE}`);
  const args = parseStoreCopyArguments(rest, env);
  if (args.help || args.from === undefined || args.to === undefined) {
    streams.stdout.write(STORE_COPY_USAGE);
    return;
  }
  const say = (line: string) => streams.stderr.write(`${line}\n`);
  const open = async (side: StoreSide, role: string) => {
    try {
      return await openStore({
        dataDir: side.dataDir,
        database: side.database,
        ...(side.artifacts === undefined ? {} : { artifacts: side.artifacts }),
        s3: args.s3,
        log: say,
      });
    } catch (error) {
      throw new ConfigError(`cannot open the ${role} store: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const from = await open(args.from, "source");
  let to: Store | undefined;
  try {
    to = await open(args.to, "target");
    say(
      `copying ${from.location} (artifacts ${from.artifacts.location}) into ${to.location} (artifacts ${to.artifacts.location})`,
    );
    let shown = "";
    const report = await copyStore(from, to, (progress) => {
      const line =
        progress.stage === "tables"
          ? `  ${progress.table}: ${progress.done}/${progress.total} rows`
          : progress.stage === "artifacts"
            ? `  artifacts: ${progress.done}/${progress.total} contents`
            : "  checking the copy";
      if (line !== shown) say(line);
      shown = line;
    });
    const rows = Object.values(report.rows).reduce((sum, count) => sum + count, 0);
    streams.stdout.write(
      `copied and checked ${rows} rows in ${Object.keys(report.rows).length} tables and ${report.artifacts.contents} artifact contents (${formatBytes(report.artifacts.bytes)}) into ${to.location}\n`,
    );
  } catch (error) {
    if (error instanceof StoreCopyError) throw new ConfigError(error.message);
    throw error;
  } finally {
    await to?.close();
    await from.close();
  }
}
