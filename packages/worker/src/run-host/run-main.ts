import { isMainThread } from "node:worker_threads";
import { runPipeline } from "../pipeline/run-pipeline.js";
import { serveRunsInThisProcess } from "./serve-run-in-process.js";
import { serveRunsInThisThread } from "./serve-run-in-thread.js";

// The module a run's thread or process executes (bundled by run-bundle.ts, loaded by
// run-thread-entry.mjs or run-process-entry.mjs): the real pipeline.
if (isMainThread) serveRunsInThisProcess(runPipeline);
else serveRunsInThisThread(runPipeline);
