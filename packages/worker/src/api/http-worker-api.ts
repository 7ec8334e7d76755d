import type { AppRouter } from "@deadweight/api";
import { claimReply, heartbeatReply, MAX_CLAIM_WAIT_SECONDS, storedDataset } from "@deadweight/protocol";
import { createTRPCClient, httpLink } from "@trpc/client";
import { downloadArtifactBytes, uploadArtifactBytes } from "../artifacts/artifact-transfer.js";
import { downloadDatasetFileBytes } from "../datasets/dataset-transfer.js";
import { ReplicaFailover } from "./replica-failover.js";
import { ServerCallError } from "./server-call-error.js";
import {
  authorisationHeaders,
  DEFAULT_REQUEST_TIMEOUT_MS,
  fetchWithTimeout,
  type ServerConnection,
  type WorkerConnection,
} from "./server-connection.js";
import type { WorkerApi } from "./worker-api.js";

/** The longest a claim may wait on the server for work (the server's limit for waitSeconds). */
const MAX_CLAIM_WAIT_MS = MAX_CLAIM_WAIT_SECONDS * 1000;

export interface HttpWorkerApiOptions {
  /** Where a move to another replica is told; default nowhere. */
  readonly log?: (line: string) => void;
  /** How the waits between rounds of a report that failed everywhere (0.5 s, then 1.5 s) are waited; default a timer. */
  readonly pause?: (ms: number) => Promise<void>;
}

/**
 * The WorkerApi over HTTP: tRPC's `worker` router with a worker token, and the artifact routes, on
 * one server or on several replicas of one platform (ReplicaFailover: which replica each call goes
 * to). Reports the server treats as idempotent (stages, results, deployment, finish, uploads,
 * downloads) are tried again, on the next replica when one stops answering; a claim is sent again
 * only when it never left (a lost answer would leave a second run leased to nobody), and heartbeats
 * try each replica once and otherwise keep their own schedule.
 */
export function createHttpWorkerApi(
  connection: WorkerConnection | ServerConnection,
  options: HttpWorkerApiOptions = {},
): WorkerApi {
  const serverUrls = "serverUrls" in connection ? connection.serverUrls : [connection.serverUrl];
  const timeoutMs = connection.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const clientOf = (serverUrl: string, requestTimeoutMs: number) =>
    createTRPCClient<AppRouter>({
      links: [
        httpLink({
          url: `${serverUrl}/api/trpc`,
          headers: authorisationHeaders(connection),
          fetch: fetchWithTimeout(requestTimeoutMs),
        }),
      ],
    });
  const clients = new Map(
    serverUrls.map((serverUrl) => [
      serverUrl,
      {
        reports: clientOf(serverUrl, timeoutMs),
        // A claim may wait on the server for work (long poll): its time limit covers the longest wait.
        claims: clientOf(serverUrl, timeoutMs + MAX_CLAIM_WAIT_MS),
      },
    ]),
  );
  const clientsAt = (serverUrl: string) => clients.get(serverUrl) as NonNullable<ReturnType<typeof clients.get>>;
  const failover = new ReplicaFailover({
    serverUrls,
    log: options.log ?? (() => {}),
    ...(options.pause === undefined ? {} : { pause: options.pause }),
  });
  const replicaOf = (serverUrl: string): ServerConnection => ({ serverUrl, token: connection.token });
  return {
    claim: async (input, signal) => {
      const what = "claiming a run";
      const reply = await failover.claim(
        what,
        (serverUrl) => clientsAt(serverUrl).claims.worker.claim.mutate(input, signal === undefined ? {} : { signal }),
        signal,
      );
      return reply === null ? null : parseAnswer(claimReply, reply, what);
    },
    heartbeat: async (input) => {
      const what = `heartbeat of run ${input.runId}`;
      const reply = await failover.beat(what, (serverUrl) =>
        clientsAt(serverUrl).reports.worker.heartbeat.mutate(input),
      );
      return parseAnswer(heartbeatReply, reply, what);
    },
    completeStage: (input) =>
      failover.report(`reporting stage ${input.stage} of run ${input.runId}`, (serverUrl) =>
        clientsAt(serverUrl).reports.worker.completeStage.mutate(input),
      ),
    recordResults: async (input) => {
      const report = { ...input, results: { ...input.results, rows: [...input.results.rows] } };
      await failover.report(`recording the results of run ${input.runId}`, (serverUrl) =>
        clientsAt(serverUrl).reports.worker.recordResults.mutate(report),
      );
    },
    recordDeployment: async (input) => {
      await failover.report(`recording the deployment of run ${input.runId}`, (serverUrl) =>
        clientsAt(serverUrl).reports.worker.recordDeployment.mutate(input),
      );
    },
    finish: (input) =>
      failover.report(`finishing run ${input.runId} (${input.outcome})`, (serverUrl) =>
        clientsAt(serverUrl).reports.worker.finish.mutate(input),
      ),
    uploadArtifact: (upload) =>
      failover.report(`uploading ${upload.name} of run ${upload.runId}`, (serverUrl) =>
        uploadArtifactBytes(replicaOf(serverUrl), upload),
      ),
    downloadArtifact: (artifact) =>
      failover.report(`downloading ${artifact.name} (artifact ${artifact.id})`, (serverUrl) =>
        downloadArtifactBytes(replicaOf(serverUrl), artifact),
      ),
    getDataset: async (datasetId) => {
      const what = `reading dataset ${datasetId}`;
      const reply = await failover.report(what, (serverUrl) =>
        clientsAt(serverUrl).reports.worker.dataset.query({ datasetId }),
      );
      return parseAnswer(storedDataset, reply, what);
    },
    downloadDatasetFile: (datasetId, file) =>
      failover.report(`downloading ${file.name} of dataset ${datasetId}`, (serverUrl) =>
        downloadDatasetFileBytes(replicaOf(serverUrl), datasetId, file),
      ),
  };
}

/** An answer parsed with the protocol's schema (the wire carries times as ISO text). */
function parseAnswer<T>(schema: { parse(value: unknown): T }, answer: unknown, what: string): T {
  try {
    return schema.parse(answer);
  } catch (error) {
    throw new ServerCallError(
      "server",
      `${what}: the server's answer does not match this worker's protocol (${(error as Error).message}); are the server and the worker the same version?`,
    );
  }
}
