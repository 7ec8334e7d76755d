import type { AppRouter } from "@deadweight/api";
import {
  authorisationHeaders,
  DEFAULT_REQUEST_TIMEOUT_MS,
  fetchWithTimeout,
  type ServerConnection,
  toServerCallError,
} from "@deadweight/worker";
import { createTRPCClient, httpLink } from "@trpc/client";

/** The API as a person's token sees it (tRPC over HTTP), for submit and status. */
export type UserApiClient = ReturnType<typeof createTRPCClient<AppRouter>>;

export interface UserApi {
  readonly client: UserApiClient;
  readonly serverUrl: string;
  /** Runs a call; any failure becomes a ServerCallError that says what was being done and what to do. */
  call<T>(what: string, request: (client: UserApiClient) => Promise<T>): Promise<T>;
}

export function createUserApi(connection: ServerConnection): UserApi {
  const client = createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${connection.serverUrl}/api/trpc`,
        headers: authorisationHeaders(connection),
        fetch: fetchWithTimeout(connection.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS),
      }),
    ],
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
