import type { AppRouter } from "@deadweight/api";
import { createTRPCClient, httpBatchLink, httpLink, httpSubscriptionLink, splitLink } from "@trpc/client";

/**
 * The browser's API client: same origin as the pages, so the session cookie goes along. Queries go
 * through TanStack Query (see components/providers), which caches and refetches them; subscriptions
 * (run.watch, project.watch) are server-sent events on the browser's own EventSource, which tells
 * the pages what changed instead of them asking again and again (see components/live).
 */
export const api = createTRPCClient<AppRouter>({
  links: [
    splitLink({
      condition: (op) => op.type === "subscription",
      true: httpSubscriptionLink({ url: "/api/trpc" }),
      false: splitLink({
        // A comparison of up to 200 runs names ~7 KB of ids: more than a batched GET may carry (4 KB),
        // so it goes alone, as the plain GET the server answers on its hot path.
        condition: (op) => op.path === "compare.runs",
        true: httpLink({ url: "/api/trpc" }),
        false: httpBatchLink({ url: "/api/trpc", maxURLLength: 4_000 }),
      }),
    }),
  ],
});
