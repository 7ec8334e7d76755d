import {
  createTRPCClient,
  httpBatchLink,
  httpLink,
  httpSubscriptionLink,
  splitLink,
  type TRPCLink,
} from "@trpc/client";
import { EventSource } from "eventsource";
import type { AppRouter } from "../root.js";

/** The API as a Node process sees it: tRPC over HTTP, subscriptions (run.watch, project.watch) over server-sent events. */
export type NodeApiClient = ReturnType<typeof createTRPCClient<AppRouter>>;

/** Who is calling: a person's or a worker's API token, or a signed-in session's cookie (a page request's). */
export type NodeApiCredentials = { readonly token: string } | { readonly cookie: string };

export interface NodeApiClientOptions {
  /** The server's address without the API path, e.g. `http://127.0.0.1:3000`; calls go to `<serverUrl>/api/trpc`. */
  readonly serverUrl: string;
  readonly credentials: NodeApiCredentials;
  /** More headers for every request, event streams included (a header named here replaces the client's own). */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * The fetch of queries and mutations (e.g. one with a time limit); default the global fetch. Event
   * streams always use the global fetch: they stay open as long as the subscription.
   */
  readonly fetch?: typeof fetch;
  /**
   * "one per call" (default): each query or mutation is its own request, named by its procedure.
   * "batched": calls made together share one request (a GET up to 4 KB), except compare.runs, whose
   * up to 200 run ids do not fit and go alone as the plain GET the server answers on its hot path.
   */
  readonly requests?: "one per call" | "batched";
}

/** The longest batched GET: proxies and servers commonly refuse longer request lines. */
const MAX_BATCHED_URL_LENGTH = 4_000;

/**
 * A tRPC client of the API for Node (the CLI, scripts, tests, benchmarks): the credentials go on
 * every request, including every event stream and each reconnection the `eventsource` client makes
 * by itself (Node 20 has no EventSource of its own).
 */
export function createNodeApiClient(options: NodeApiClientOptions): NodeApiClient {
  const url = `${options.serverUrl}/api/trpc`;
  const headers = { ...credentialHeaders(options.serverUrl, options.credentials), ...options.headers };
  const fetchCalls = options.fetch;
  const oneRequest = () => httpLink({ url, headers, ...(fetchCalls === undefined ? {} : { fetch: fetchCalls }) });
  const calls: TRPCLink<AppRouter> =
    options.requests === "batched"
      ? splitLink({
          condition: (op) => op.path === "compare.runs",
          true: oneRequest(),
          false: httpBatchLink({
            url,
            headers,
            maxURLLength: MAX_BATCHED_URL_LENGTH,
            ...(fetchCalls === undefined ? {} : { fetch: fetchCalls }),
          }),
        })
      : oneRequest();
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        true: httpSubscriptionLink({
          url,
          EventSource,
          eventSourceOptions: {
            fetch: (input, init) => fetch(input, { ...init, headers: { ...init?.headers, ...headers } }),
          },
        }),
        false: calls,
      }),
    ],
  });
}

/**
 * The headers that say who is calling. A cookie goes with the server's own Origin, as a page of that
 * server would send it: the server refuses cookie-authenticated changes that do not say where they
 * come from (its defence against other sites' pages), and this client acts for the cookie's owner.
 */
function credentialHeaders(serverUrl: string, credentials: NodeApiCredentials): Record<string, string> {
  if ("token" in credentials) return { authorization: `Bearer ${credentials.token}` };
  return { cookie: credentials.cookie, origin: new URL(serverUrl).origin };
}
