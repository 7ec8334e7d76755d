import { createNodeApiClient, type NodeApiClient } from "@deadweight/api/node-client";
import {
  DEFAULT_REQUEST_TIMEOUT_MS,
  fetchWithTimeout,
  type ServerConnection,
  toServerCallError,
} from "@deadweight/worker";

/** The API as a person's token sees it (tRPC over HTTP; subscriptions over server-sent events), for submit and status. */
export type UserApiClient = NodeApiClient;

export interface UserApi {
  readonly client: UserApiClient;
  readonly serverUrl: string;
  /** Runs a call; any failure becomes a ServerCallError that says what was being done and what to do. */
  call<T>(what: string, request: (client: UserApiClient) => Promise<T>): Promise<T>;
}

export function createUserApi(connection: ServerConnection): UserApi {
  // Queries and mutations have a time limit; event streams none (the server's pings keep them alive).
  const client = createNodeApiClient({
    serverUrl: connection.serverUrl,
    credentials: { token: connection.token },
    fetch: fetchWithTimeout(connection.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS),
  });
  return {
    client,
    serverUrl: connection.serverUrl,
    call: async (what, request) => {
      try {
        return await request(client);
      } catch (error) {
        throw toServerCallError(error, connection.serverUrl, what);
      }
    },
  };
}
