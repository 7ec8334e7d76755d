import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type Db, type MigrationReport, openDatabase } from "@deadweight/db";
import { createArtifactStore } from "../artifacts/artifact-store.js";
import type { Auth } from "../auth/create-auth.js";
import { stopWaitingForQueuedRuns } from "../domain/queue/queued-run-signal.js";
import { handleArtifactRequest } from "../http/artifact-routes.js";
import {
  type ArtifactRequestHandler,
  type NodePageHandler,
  type RunningHttpServer,
  startHttpServer,
} from "../http/create-http-server.js";
import type { Exposure } from "../http/request-admission.js";
import { loadOrCreateAuthSecret } from "./auth-secret.js";
import { bootstrapLocalOwner, type LocalOwner } from "./bootstrap-local-owner.js";
import { DEFAULT_LEASE_SWEEP_INTERVAL_MS, type LeaseSweeper, startLeaseSweeper } from "./lease-sweeper.js";
import { createPageCallerResolver, type PageCallerResolver } from "./page-caller.js";

/** Uploads above this are refused with 413 unless `maxArtifactUploadBytes` says otherwise. */
export const DEFAULT_MAX_ARTIFACT_UPLOAD_BYTES = 512 * 1024 * 1024;

/** The project's own .data folder (git-ignored): the embedded default store. */
export const DEFAULT_DATA_DIRECTORY = fileURLToPath(new URL("../../../../.data", import.meta.url));

export interface ArtifactHandlerContext {
  readonly db: Db;
  readonly dataDir: string;
}

/** What a dashboard hosted in the API server's process gets to render its pages. */
export interface DashboardHost {
  /** The server's base URL (the dashboard lives at its root). */
  readonly url: string;
  readonly exposure: Exposure;
  /** The API called in-process as the sender of a page request. */
  readonly sessionFor: PageCallerResolver;
}

export interface ApiServerOptions {
  /** Holds deadweight.db, artifacts/ and auth-secret; default DEFAULT_DATA_DIRECTORY. */
  readonly dataDir?: string;
  /** Default 127.0.0.1 (this machine only); see http/request-admission.ts for other addresses. */
  readonly host?: string;
  /** Default 0: any free port (read it from `url`). */
  readonly port?: number;
  /** When absent, a secret kept in <dataDir>/auth-secret (created once, mode 0600) is used. */
  readonly authSecret?: string;
  readonly publicURL?: string;
  readonly trustedOrigins?: readonly string[];
  readonly authRateLimit?: boolean;
  /** Default DEFAULT_MAX_ARTIFACT_UPLOAD_BYTES. */
  readonly maxArtifactUploadBytes?: number;
  /**
   * Replaces the /api/artifacts* handler (default: handleArtifactRequest over the content-addressed
   * store in <dataDir>/artifacts); built once the database is open.
   */
  readonly createArtifactHandler?: (context: ArtifactHandlerContext) => ArtifactRequestHandler;
  /**
   * How often runs whose worker stopped renewing its lease are put back in the queue (or failed);
   * default DEFAULT_LEASE_SWEEP_INTERVAL_MS. 0 turns the timer off (claims still sweep their team).
   */
  readonly leaseSweepIntervalMs?: number;
  /** Where start-up messages (including the first-start credentials) go; default console.log. */
  readonly log?: (line: string) => void;
  /**
   * Serves pages (every path outside /api and /healthz) from this process: called once the server
   * is listening and the store is ready; until it resolves, those paths answer 404.
   */
  readonly dashboard?: (host: DashboardHost) => Promise<NodePageHandler>;
}

export interface RunningApiServer {
  readonly url: string;
  readonly exposure: Exposure;
  readonly dataDir: string;
  readonly databaseFile: string;
  readonly artifactsDir: string;
  readonly migrations: MigrationReport;
  /** The account made at first start (its password is not kept anywhere else); null on later starts. */
  readonly localOwner: LocalOwner | null;
  readonly db: Db;
  readonly auth: Auth;
  readonly http: RunningHttpServer;
  /** Finishes requests in flight, stops the lease sweeper, then closes the database. */
  close(): Promise<void>;
}

/**
 * The standalone API server on a data directory: opens (and migrates) <dataDir>/deadweight.db,
 * serves HTTP, and on the very first start creates a local owner, team "Local" and project "Demo",
 * printing the credentials once.
 */
export async function startApiServer(options: ApiServerOptions = {}): Promise<RunningApiServer> {
  const log = options.log ?? ((line: string) => console.log(line));
  const dataDir = resolve(options.dataDir ?? DEFAULT_DATA_DIRECTORY);
  const databaseFile = join(dataDir, "deadweight.db");
  const artifactsDir = join(dataDir, "artifacts");
  // The folder holds password hashes and the auth secret: this user only.
  mkdirSync(artifactsDir, { recursive: true, mode: 0o700 });

  const authSecret = options.authSecret ?? loadOrCreateAuthSecret(join(dataDir, "auth-secret")).secret;
  const opened = openDatabase(databaseFile);
  const { migrations, db } = opened;
  log(
    migrations.applied.length > 0
      ? `database ${databaseFile}: applied ${migrations.applied.length} migration(s): ${migrations.applied.join(", ")}`
      : `database ${databaseFile}: migrations already applied (${migrations.alreadyApplied.length}), nothing to do`,
  );

  let http: RunningHttpServer;
  try {
    http = await startHttpServer({
      db,
      authSecret,
      host: options.host ?? "127.0.0.1",
      port: options.port ?? 0,
      ...(options.publicURL === undefined ? {} : { publicURL: options.publicURL }),
      ...(options.trustedOrigins === undefined ? {} : { trustedOrigins: options.trustedOrigins }),
      ...(options.authRateLimit === undefined ? {} : { authRateLimit: options.authRateLimit }),
      artifactHandler: (options.createArtifactHandler ?? defaultArtifactHandler(options.maxArtifactUploadBytes))({
        db,
        dataDir,
      }),
    });
  } catch (error) {
    await opened.close();
    throw error;
  }

  let localOwner: LocalOwner | null;
  try {
    localOwner = await bootstrapLocalOwner(db, http.auth);
  } catch (error) {
    await http.close(0);
    await opened.close();
    throw error;
  }
  if (localOwner !== null) {
    log(
      [
        "",
        "First start: created a local owner account. These credentials are shown ONCE and stored nowhere else:",
        `  email:    ${localOwner.email}`,
        `  password: ${localOwner.password}`,
        `  team "Local" (you are its owner) with a project "Demo".`,
        "Sign in with them, then change the password (POST /api/auth/change-password) or add your own account.",
        "",
      ].join("\n"),
    );
  }
  if (http.exposure === "network") {
    log(`bound to ${options.host}: reachable from the network, so every request except sign-in needs credentials`);
  }
  if (options.dashboard !== undefined) {
    try {
      const sessionFor = createPageCallerResolver({ db, auth: http.auth });
      http.servePages(await options.dashboard({ url: http.url, exposure: http.exposure, sessionFor }));
    } catch (error) {
      await http.close(0);
      await opened.close();
      throw error;
    }
  }
  const leaseSweepIntervalMs = options.leaseSweepIntervalMs ?? DEFAULT_LEASE_SWEEP_INTERVAL_MS;
  const leaseSweeper: LeaseSweeper | null =
    leaseSweepIntervalMs > 0
      ? startLeaseSweeper(db, {
          intervalMs: leaseSweepIntervalMs,
          onSweep: (report) => {
            for (const run of report.requeued) {
              log(`run ${run.runId}: the lease of attempt ${run.attempt} expired; back in the queue`);
            }
            for (const run of report.failed) {
              log(`run ${run.runId}: the lease of attempt ${run.attempt} expired and no attempts are left; failed`);
            }
          },
        })
      : null;

  return {
    url: http.url,
    exposure: http.exposure,
    dataDir,
    databaseFile,
    artifactsDir,
    migrations,
    localOwner,
    db,
    auth: http.auth,
    http,
    close: async () => {
      // Claims waiting for work answer "nothing" now instead of holding the shutdown for their grace.
      stopWaitingForQueuedRuns(db);
      await http.close();
      await leaseSweeper?.stop();
      await opened.close();
    },
  };
}

function defaultArtifactHandler(maxUploadBytes = DEFAULT_MAX_ARTIFACT_UPLOAD_BYTES) {
  return ({ db, dataDir }: ArtifactHandlerContext): ArtifactRequestHandler => {
    const store = createArtifactStore(dataDir);
    return (request, actor) => handleArtifactRequest(request, { db, actor, store, maxUploadBytes });
  };
}
