// Loads TensorFlow.js (the union package and the wasm backend) with Node's source maps off, then
// puts them back as they were. tsx turns source maps on, and Node then reads and parses the large
// source map of every TF.js bundle as it loads: 300 ms of each new thread's start (measured: a
// thread importing TF.js took 0.6-0.8 s with them, 0.36-0.44 s without). Only TF.js's own stack
// frames lose their mapping; Deadweight's TypeScript keeps it. Import this before anything that
// imports TF.js; a thread entry does, after registering tsx.
const sourceMapsWereOn = process.sourceMapsEnabled;
process.setSourceMapsEnabled(false);
try {
  await import("@tensorflow/tfjs");
  await import("@tensorflow/tfjs-backend-wasm");
} finally {
  process.setSourceMapsEnabled(sourceMapsWereOn);
}
