export * from "./experiment-config.js";
export * from "./experiment-limits.js";
export * from "./seed-list-text.js";
export * from "./text-safety.js";
