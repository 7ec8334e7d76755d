import { router } from "./trpc/trpc.js";

/**
 * The whole API. Each domain router lives in src/routers/<domain>-router.ts and is mounted here
 * under its domain name.
 */
export const appRouter = router({
  // domain routers are mounted here, one line each, e.g. `team: teamRouter,`
});

export type AppRouter = typeof appRouter;
