export * from "./start-platform-server.js";
