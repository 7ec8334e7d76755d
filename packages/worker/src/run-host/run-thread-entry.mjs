// A run's worker thread starts here: it loads TensorFlow.js with Node's source maps off (see
// load-tfjs-without-source-maps.mjs), then the pipeline the worker bundled into one JavaScript
// module at its start (run-bundle.ts), whose own source map maps its stack frames back to the
// TypeScript. No TypeScript loader runs in the thread.
import { workerData } from "node:worker_threads";

await import("@deadweight/core/load-tfjs-without-source-maps");
process.setSourceMapsEnabled(true);
await import(workerData.pipelineModule);
