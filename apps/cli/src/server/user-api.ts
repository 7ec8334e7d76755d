import type { AppRouter } from "@deadweight/api";
import {
  authorisationHeaders,
  DEFAULT_REQUEST_TIMEOUT_MS,
  fetchWithTimeout,
  type ServerConnection,
  toServerCallError,
} from "@deadweight/worker";
import { createTRPCClient, httpLink, httpSubscriptionLink, splitLink } from "@trpc/client";
import { EventSource } from "eventsource";

/** The API as a person's token sees it (tRPC over HTTP; subscriptions over server-sent events), for submit and status. */
export type UserApiClient = ReturnType<typeof createTRPCClient<AppRouter>>;

export interface UserApi {
  readonly client: UserApiClient;
  readonly serverUrl: string;
  /** Runs a call; any failure becomes a ServerCallError that says what was being done and what to do. */
  call<T>(what: string, request: (client: UserApiClient) => Promise<T>): Promise<T>;
}

export function createUserApi(connection: ServerConnection): UserApi {
  const headers = authorisationHeaders(connection);
  const client = createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        // Node 20 has no EventSource: the `eventsource` package's, whose fetch sends the token on the
        // first connection and on every reconnection it makes by itself. No time limit: the stream
        // stays open as long as the subscription (the server's pings keep it alive).
        true: httpSubscriptionLink({
          url: `${connection.serverUrl}/api/trpc`,
          EventSource,
          eventSourceOptions: {
            fetch: (input, init) => fetch(input, { ...init, headers: { ...init?.headers, ...headers } }),
          },
        }),
        false: httpLink({
          url: `${connection.serverUrl}/api/trpc`,
          headers,
          fetch: fetchWithTimeout(connection.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS),
        }),
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
