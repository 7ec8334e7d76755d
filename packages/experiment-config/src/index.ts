export * from "./experiment-config.js";
