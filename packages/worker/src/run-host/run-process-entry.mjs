// A run's child process starts here (forked by pipeline-processes.ts with the pipeline's module as its
// one argument): it loads TensorFlow.js with Node's source maps off (see
// load-tfjs-without-source-maps.mjs), then the pipeline the worker bundled into one JavaScript
// module at its start (run-bundle.ts), whose own source map maps its stack frames back to
// the TypeScript. No TypeScript loader runs in the process.
await import("@deadweight/core/load-tfjs-without-source-maps");
process.setSourceMapsEnabled(true);
await import(process.argv[2]);
