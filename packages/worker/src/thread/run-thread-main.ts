import { runPipeline } from "../pipeline/run-pipeline.js";
import { serveRunInThisThread } from "./serve-run-in-thread.js";

// The module a run's thread executes (loaded by run-thread-entry.mjs): the real pipeline.
await serveRunInThisThread(runPipeline);
