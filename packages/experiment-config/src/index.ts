export * from "./experiment-config.js";
export * from "./experiment-limits.js";
export * from "./text-safety.js";
