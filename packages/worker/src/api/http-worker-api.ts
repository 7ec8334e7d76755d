import type { AppRouter } from "@deadweight/api";
import { claimReply, heartbeatReply, MAX_CLAIM_WAIT_SECONDS } from "@deadweight/protocol";
import { createTRPCClient, httpLink } from "@trpc/client";
import { downloadArtifactBytes, uploadArtifactBytes } from "../artifacts/artifact-transfer.js";
import { isServerCallError } from "./server-call-error.js";
import {
  authorisationHeaders,
  DEFAULT_REQUEST_TIMEOUT_MS,
  fetchWithTimeout,
  type ServerConnection,
  toServerCallError,
} from "./server-connection.js";
import type { WorkerApi } from "./worker-api.js";

/** Waits before the second and third try of a report that failed on the way (server restarting, network blip). */
const RETRY_DELAYS_MS = [500, 1_500];
/** The longest a claim may wait on the server for work (the server's limit for waitSeconds). */
const MAX_CLAIM_WAIT_MS = MAX_CLAIM_WAIT_SECONDS * 1000;

/**
 * The WorkerApi over HTTP: tRPC's `worker` router with a worker token, and the artifact routes.
 * Reports the server treats as idempotent (stages, results, finish, uploads, downloads) are tried
 * again on a passing failure; a claim is not (a lost answer would leave a second run leased to
 * nobody), and heartbeats keep their own schedule.
 */
export function createHttpWorkerApi(connection: ServerConnection, retryDelaysMs = RETRY_DELAYS_MS): WorkerApi {
  const client = createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${connection.serverUrl}/api/trpc`,
        headers: authorisationHeaders(connection),
        fetch: fetchWithTimeout(connection.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS),
      }),
    ],
  });
  // A claim may wait on the server for work (long poll): its time limit covers the longest wait.
  const claimClient = createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${connection.serverUrl}/api/trpc`,
        headers: authorisationHeaders(connection),
        fetch: fetchWithTimeout((connection.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS) + MAX_CLAIM_WAIT_MS),
      }),
    ],
  });
  const call = async <T>(what: string, request: () => Promise<T>): Promise<T> => {
    try {
      return await request();
    } catch (error) {
      throw toServerCallError(error, connection.serverUrl, what);
    }
  };
  const retried = async <T>(request: () => Promise<T>): Promise<T> => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await request();
      } catch (error) {
        const delay = retryDelaysMs[attempt];
        if (!isServerCallError(error) || !error.transient || delay === undefined) throw error;
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  };
  return {
    // Answers are parsed with the protocol's schemas: the wire carries times as ISO text.
    claim: (input, signal) =>
      call("claiming a run", () =>
        claimClient.worker.claim
          .mutate(input, signal === undefined ? {} : { signal })
          .then((reply) => (reply === null ? null : claimReply.parse(reply))),
      ),
    heartbeat: (input) =>
      call(`heartbeat of run ${input.runId}`, () =>
        client.worker.heartbeat.mutate(input).then((reply) => heartbeatReply.parse(reply)),
      ),
    completeStage: (input) =>
      retried(() =>
        call(`reporting stage ${input.stage} of run ${input.runId}`, () => client.worker.completeStage.mutate(input)),
      ),
    recordResults: async (input) => {
      await retried(() =>
        call(`recording the results of run ${input.runId}`, () =>
          client.worker.recordResults.mutate({
            ...input,
            results: { ...input.results, rows: [...input.results.rows] },
          }),
        ),
      );
    },
    recordDeployment: async (input) => {
      await retried(() =>
        call(`recording the deployment of run ${input.runId}`, () => client.worker.recordDeployment.mutate(input)),
      );
    },
    finish: (input) =>
      retried(() => call(`finishing run ${input.runId} (${input.outcome})`, () => client.worker.finish.mutate(input))),
    uploadArtifact: (upload) => retried(() => uploadArtifactBytes(connection, upload)),
    downloadArtifact: (artifact) => retried(() => downloadArtifactBytes(connection, artifact)),
  };
}
