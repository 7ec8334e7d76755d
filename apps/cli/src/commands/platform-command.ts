import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { type RunningApiServer, resolveApiToken } from "@deadweight/api";
import { startPlatformServer } from "@deadweight/server";
import type { ServerConnection } from "@deadweight/worker";
import { ConfigError } from "../config/config-error.js";
import { PLATFORM_USAGE, parsePlatformArguments } from "../config/platform-arguments.js";
import type { CliEnv } from "../env.js";
import { demoExperiments, IRIS_CSV_PATH, IRIS_DATASET_NAME } from "../platform/demo-experiment.js";
import { findLocalTeam, type LocalTeam } from "../platform/local-team.js";
import { type LocalWorker, startLocalWorker } from "../platform/local-worker-process.js";
import { loadOrCreateToken } from "../platform/token-file.js";
import { datasetFilesAt, uploadDatasetFiles } from "../server/dataset-upload.js";
import type { CommandStreams } from "./prune-command.js";

/** Files of the data directory the platform keeps its tokens in (mode 0600). */
export const WORKER_TOKEN_FILE = "worker-token";
export const CLI_TOKEN_FILE = "cli-token";

/**
 * `deadweight platform`: the API server and a local worker on this machine until `signal` aborts;
 * then the worker releases its run, the server closes, and it returns.
 */
export async function platformCommand(
  argv: readonly string[],
  streams: CommandStreams,
  env: CliEnv,
  signal: AbortSignal,
): Promise<void> {
  const args = parsePlatformArguments(argv, env);
  if (args.help) {
    streams.stdout.write(PLATFORM_USAGE);
    return;
  }
  const say = (line: string) => streams.stdout.write(`${line}\n`);
  let server: RunningApiServer;
  try {
    server = await startPlatformServer({
      host: args.host,
      port: args.port,
      ...(args.dataDir === undefined ? {} : { dataDir: args.dataDir }),
      ...(args.database === undefined ? {} : { database: args.database }),
      ...(args.artifacts === undefined ? {} : { artifacts: args.artifacts }),
      s3: args.s3,
      ...args.hostSettings,
      dashboard: args.dashboard,
      log: say,
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") {
      throw new ConfigError(
        `port ${args.port} is taken (another platform or server running?): stop it, or pass --port <n> (or DEADWEIGHT_PORT)`,
      );
    }
    throw error;
  }
  let worker: LocalWorker | null = null;
  try {
    const team = await findLocalTeam(server);
    if (team === null) {
      say("this store has no local owner (it was set up elsewhere): serving the API only, no local worker or demo");
    } else {
      const tokens = await platformTokens(server, team);
      if (args.worker) {
        worker = startLocalWorker({
          serverUrl: server.url,
          token: tokens.worker,
          workerName: "local",
          // <data dir>/datasets, not the data directory itself, which holds the tokens, the auth secret and
          // the store; the repository's datasets/ is always allowed.
          dataRoots: [localDatasetsFolder(server.dataDir)],
          datasetCacheDir: join(server.dataDir, "worker-cache"),
          log: say,
        });
      }
      if (server.localOwner !== null) await queueDemo(team, { serverUrl: server.url, token: tokens.cli }, say);
      const cliTokenFile = join(server.dataDir, CLI_TOKEN_FILE);
      say(
        [
          "",
          `Deadweight platform: ${server.url}  (store in ${server.dataDir})`,
          args.dashboard === "off"
            ? "  dashboard off (--no-dashboard): the API only"
            : `  dashboard: open ${server.url}/ in a browser and sign in${server.localOwner === null ? " (the local owner's credentials were printed at the first start)" : " with the credentials above"}`,
          args.worker
            ? "  one local worker runs the queue; add workers elsewhere with `deadweight worker --server <url> --token <worker token>`"
            : "  no local worker (--no-worker): start one with `deadweight worker --server <url> --token <worker token>`",
          "Watch the runs:",
          `  DEADWEIGHT_SERVER=${server.url} DEADWEIGHT_TOKEN=$(cat ${cliTokenFile}) npm run deadweight -- status --project ${team.projectId}`,
          "Queue an experiment:",
          `  DEADWEIGHT_SERVER=${server.url} DEADWEIGHT_TOKEN=$(cat ${cliTokenFile}) npm run deadweight -- submit <config.json> --project ${team.projectId} --wait`,
          "Ctrl-C stops everything.",
          "",
        ].join("\n"),
      );
    }
    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      else signal.addEventListener("abort", () => resolve(), { once: true });
    });
    say("stopping: the worker hands its run back to the queue, then the server closes");
  } finally {
    // The worker first: releasing its run needs the server.
    await worker?.stop();
    await server.close();
  }
  say("stopped");
}

async function platformTokens(server: RunningApiServer, team: LocalTeam) {
  const isValid = (kind: "worker" | "user") => async (token: string) => {
    try {
      const actor = await resolveApiToken(server.store, token);
      return actor.kind === kind && (actor.kind === "worker" ? actor.teamId : actor.tokenTeamId) === team.teamId;
    } catch {
      return false;
    }
  };
  const create = (kind: "worker" | "user", name: string) => async () =>
    (await team.caller.team.tokens.create({ teamId: team.teamId, name, kind })).token;
  const worker = await loadOrCreateToken(
    join(server.dataDir, WORKER_TOKEN_FILE),
    isValid("worker"),
    create("worker", "local worker (deadweight platform)"),
  );
  const cli = await loadOrCreateToken(
    join(server.dataDir, CLI_TOKEN_FILE),
    isValid("user"),
    create("user", "local CLI (deadweight platform)"),
  );
  return { worker: worker.token, cli: cli.token };
}

async function queueDemo(team: LocalTeam, cli: ServerConnection, say: (line: string) => void): Promise<void> {
  // The Iris CSV becomes a dataset the platform stores, so any worker of the team can run the demo.
  const iris = await uploadDatasetFiles(cli, {
    teamId: team.teamId,
    name: IRIS_DATASET_NAME,
    ...datasetFilesAt(IRIS_CSV_PATH),
  });
  say(`uploaded ${IRIS_CSV_PATH} as the team's dataset "${iris.name}" (${iris.reference})`);
  for (const demo of demoExperiments(iris.reference)) {
    const experiment = await team.caller.experiment.create({
      projectId: team.projectId,
      name: demo.name,
      description: demo.description,
      tags: [...demo.tags],
      config: demo.config,
    });
    say(
      `queued the demo experiment "${experiment.name}" (${demo.summary}) in project Demo: run ${experiment.runs.recent.map((run) => run.id).join(", ")}`,
    );
  }
}

/** <data dir>/datasets: where the local worker may read dataset files by path (created 0700). */
function localDatasetsFolder(dataDir: string): string {
  const folder = join(dataDir, "datasets");
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  return folder;
}
