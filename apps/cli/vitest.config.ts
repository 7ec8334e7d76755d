import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    pool: "forks",
    // End-to-end tests train small real models in a child process.
    testTimeout: 120_000,
    // The queue's end-to-end tests start a server and worker processes in their hooks.
    hookTimeout: 60_000,
  },
});
