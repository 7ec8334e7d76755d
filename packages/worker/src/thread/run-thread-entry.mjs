// A run's worker thread starts here. The worker's sources are TypeScript run through tsx, and in
// Node 20 the loader hooks tsx installs (module.register) belong to the thread that registered them:
// a new thread registers its own before it imports any TypeScript.
import { register } from "tsx/esm/api";

register();
await import("@deadweight/core/load-tfjs-without-source-maps");
await import("./run-thread-main.ts");
