export * from "./api/http-worker-api.js";
export * from "./api/replica-failover.js";
export * from "./api/server-call-error.js";
export * from "./api/server-connection.js";
export * from "./api/worker-api.js";
export * from "./artifacts/artifact-transfer.js";
export * from "./artifacts/run-artifacts.js";
export type { AttemptReport } from "./pipeline/run-attempt.js";
export * from "./run-worker.js";
