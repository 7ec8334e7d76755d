export * from "./deadweight-error-assertions.js";
export * from "./idx-file-bytes.js";
export * from "./postgres-server.js";
export * from "./s3-server.js";
