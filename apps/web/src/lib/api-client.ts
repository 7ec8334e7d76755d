import type { AppRouter } from "@deadweight/api";
import { createTRPCClient, httpBatchLink } from "@trpc/client";

/**
 * The browser's API client: same origin as the pages, so the session cookie goes along. Queries go
 * through TanStack Query (see components/providers), which caches, polls and refetches them.
 */
export const api = createTRPCClient<AppRouter>({
  links: [httpBatchLink({ url: "/api/trpc", maxURLLength: 4_000 })],
});
