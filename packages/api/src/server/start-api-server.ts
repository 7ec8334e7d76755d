import { chmodSync, mkdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { ExperimentLimits } from "@deadweight/experiment-config";
import type { S3Settings } from "../artifacts/s3-artifact-store.js";
import type { Auth } from "../auth/create-auth.js";
import type { SignUpPolicy } from "../domain/sign-up/sign-up-policy.js";
import type { Exposure } from "../http/request-admission.js";
import { type NodePageHandler, type RunningHttpServer, startHttpServer } from "../http/start-http-server.js";
import { openStore, type Store } from "../store/store.js";
import { loadOrCreateAuthSecret } from "./auth-secret.js";
import { bootstrapLocalOwner, type LocalOwner } from "./bootstrap-local-owner.js";
import { DEFAULT_LEASE_SWEEP_INTERVAL_MS, type LeaseSweeper, startLeaseSweeper } from "./lease-sweeper.js";

/** The project's own .data folder (git-ignored): the embedded default store. */
export const DEFAULT_DATA_DIRECTORY = fileURLToPath(new URL("../../../../.data", import.meta.url));

/** What a dashboard served by the platform's host needs to know to render its pages. */
export interface DashboardHost {
  /** The server's base URL: the dashboard lives at its root. */
  readonly url: string;
  /** Where the dashboard's server side calls the API (this process, over loopback HTTP). */
  readonly apiUrl: string;
  readonly exposure: Exposure;
}

export interface ApiServerOptions {
  /** Holds deadweight.db, artifacts/ and auth-secret; default DEFAULT_DATA_DIRECTORY. */
  readonly dataDir?: string;
  /**
   * The tracking store's database: a SQLite file (default <dataDir>/deadweight.db) or a postgres://
   * URL, which several servers can share (replicas).
   */
  readonly database?: string;
  /** Where artifact bytes go: a folder (default <dataDir>/artifacts) or s3://bucket/prefix. */
  readonly artifacts?: string;
  /** The S3 service of an s3:// artifacts location (endpoint, region, credentials). */
  readonly s3?: S3Settings;
  /** Default 127.0.0.1 (this machine only); see http/request-admission.ts for other addresses. */
  readonly host?: string;
  /** Default 0: any free port (read it from `url`). */
  readonly port?: number;
  /** When absent, a secret kept in <dataDir>/auth-secret (created once, mode 0600) is used. */
  readonly authSecret?: string;
  readonly publicURL?: string;
  readonly trustedOrigins?: readonly string[];
  /** See HttpServerOptions.trustHostOrigin (DEADWEIGHT_TRUST_HOST_ORIGIN). */
  readonly trustHostOrigin?: boolean;
  readonly authRateLimit?: boolean;
  /** Default DEFAULT_MAX_ARTIFACT_UPLOAD_BYTES. */
  readonly maxArtifactUploadBytes?: number;
  /** Who may sign up over HTTP; default open on loopback, invite-only on the network. */
  readonly signUp?: SignUpPolicy;
  /** tRPC and sign-in request bodies above this answer 413; default DEFAULT_MAX_REQUEST_BODY_BYTES (1 MiB). */
  readonly maxRequestBodyBytes?: number;
  /** The same for worker tokens (results reports); default DEFAULT_MAX_WORKER_REQUEST_BODY_BYTES (32 MiB). */
  readonly maxWorkerRequestBodyBytes?: number;
  /** What one experiment may ask for (DEADWEIGHT_EXPERIMENT_LIMITS); default DEFAULT_EXPERIMENT_LIMITS. */
  readonly experimentLimits?: ExperimentLimits;
  /**
   * How often runs whose worker stopped renewing its lease are put back in the queue (or failed);
   * default DEFAULT_LEASE_SWEEP_INTERVAL_MS. 0 turns the timer off (claims still sweep their team).
   */
  readonly leaseSweepIntervalMs?: number;
  /** Where start-up messages (including the first-start credentials) go; default console.log. */
  readonly log?: (line: string) => void;
  readonly logError?: (message: string, error: unknown) => void;
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
  /** The account made at first start (its password is not kept anywhere else); null on later starts. */
  readonly localOwner: LocalOwner | null;
  readonly store: Store;
  readonly auth: Auth;
  readonly http: RunningHttpServer;
  /** Finishes requests in flight, stops the lease sweeper, then closes the store. */
  close(): Promise<void>;
}

/**
 * The platform's one host: opens the store of a data directory (SQLite migrated at start, and the
 * artifact folder), serves the API, sign-in, artifacts and (when given) the dashboard on one port,
 * sweeps expired leases, and on the very first start creates a local owner, team "Local" and
 * project "Demo", printing the credentials once. `apps/server` and `deadweight platform` both start it.
 */
export async function startApiServer(options: ApiServerOptions = {}): Promise<RunningApiServer> {
  const log = options.log ?? ((line: string) => console.log(line));
  const dataDir = resolve(options.dataDir ?? DEFAULT_DATA_DIRECTORY);
  // The folder holds password hashes and the auth secret: this user only.
  mkdirSync(join(dataDir, "artifacts"), { recursive: true, mode: 0o700 });
  if ((statSync(dataDir).mode & 0o077) !== 0) {
    chmodSync(dataDir, 0o700);
    log(`data directory ${dataDir} was readable by other users; narrowed to this user only (0700)`);
  }

  const authSecret = options.authSecret ?? loadOrCreateAuthSecret(join(dataDir, "auth-secret")).secret;
  const store = await openStore({
    dataDir,
    ...(options.database === undefined ? {} : { database: options.database }),
    ...(options.artifacts === undefined ? {} : { artifacts: options.artifacts }),
    ...(options.s3 === undefined ? {} : { s3: options.s3 }),
    log,
  });
  const { migrations } = store;
  log(
    migrations.applied.length > 0
      ? `database ${store.location}: applied ${migrations.applied.length} migration(s): ${migrations.applied.join(", ")}`
      : `database ${store.location}: migrations already applied (${migrations.alreadyApplied.length}), nothing to do`,
  );
  log(`artifacts in ${store.artifacts.location}`);

  let http: RunningHttpServer;
  try {
    http = await startHttpServer({
      store,
      authSecret,
      host: options.host ?? "127.0.0.1",
      port: options.port ?? 0,
      ...(options.publicURL === undefined ? {} : { publicURL: options.publicURL }),
      ...(options.trustedOrigins === undefined ? {} : { trustedOrigins: options.trustedOrigins }),
      ...(options.authRateLimit === undefined ? {} : { authRateLimit: options.authRateLimit }),
      ...(options.maxArtifactUploadBytes === undefined
        ? {}
        : { maxArtifactUploadBytes: options.maxArtifactUploadBytes }),
      ...(options.maxRequestBodyBytes === undefined ? {} : { maxRequestBodyBytes: options.maxRequestBodyBytes }),
      ...(options.signUp === undefined ? {} : { signUp: options.signUp }),
      ...(options.trustHostOrigin === undefined ? {} : { trustHostOrigin: options.trustHostOrigin }),
      ...(options.maxWorkerRequestBodyBytes === undefined
        ? {}
        : { maxWorkerRequestBodyBytes: options.maxWorkerRequestBodyBytes }),
      ...(options.experimentLimits === undefined ? {} : { experimentLimits: options.experimentLimits }),
      ...(options.logError === undefined ? {} : { logError: options.logError }),
    });
  } catch (error) {
    await store.close();
    throw error;
  }

  let localOwner: LocalOwner | null;
  try {
    localOwner = await bootstrapLocalOwner(store, http.auth);
  } catch (error) {
    await http.close(0);
    await store.close();
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
      http.servePages(await options.dashboard({ url: http.url, apiUrl: http.localUrl, exposure: http.exposure }));
    } catch (error) {
      await http.close(0);
      await store.close();
      throw error;
    }
  }
  const leaseSweepIntervalMs = options.leaseSweepIntervalMs ?? DEFAULT_LEASE_SWEEP_INTERVAL_MS;
  const leaseSweeper: LeaseSweeper | null =
    leaseSweepIntervalMs > 0
      ? startLeaseSweeper(store, {
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
    localOwner,
    store,
    auth: http.auth,
    http,
    close: async () => {
      // Claims waiting for work answer "nothing" now instead of holding the shutdown for their grace.
      store.queuedRuns.stop();
      await http.close();
      await leaseSweeper?.stop();
      await store.close();
    },
  };
}
