import { artifactRouter } from "./routers/artifact-router.js";
import { auditRouter } from "./routers/audit-router.js";
import { candidateRouter } from "./routers/candidate-router.js";
import { compareRouter } from "./routers/compare-router.js";
import { datasetRouter } from "./routers/dataset-router.js";
import { experimentRouter } from "./routers/experiment-router.js";
import { projectRouter } from "./routers/project-router.js";
import { resultRouter } from "./routers/result-router.js";
import { runRouter } from "./routers/run-router.js";
import { teamRouter } from "./routers/team-router.js";
import { workerRouter } from "./routers/worker-router.js";
import { router } from "./trpc/trpc.js";

/**
 * The whole API. Each domain router lives in src/routers/<domain>-router.ts and is mounted here
 * under its domain name.
 */
export const appRouter = router({
  // domain routers are mounted here, one line each, e.g. `team: teamRouter,`
  team: teamRouter,
  project: projectRouter,
  experiment: experimentRouter,
  run: runRouter,
  result: resultRouter,
  compare: compareRouter,
  audit: auditRouter,
  candidate: candidateRouter,
  artifact: artifactRouter,
  dataset: datasetRouter,
  worker: workerRouter,
});

export type AppRouter = typeof appRouter;
