import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    pool: "forks",
    // One file at a time: the end-to-end files each run servers and workers that train real models,
    // and two of them at once on two cores only made each slower (the total was the same) and their
    // waits for progress depend on the load.
    fileParallelism: false,
    // End-to-end tests train small real models in a child process.
    testTimeout: 120_000,
    // The queue's end-to-end tests start a server and worker processes in their hooks.
    hookTimeout: 60_000,
    // The replica tests run several servers over a real PostgreSQL started for the run (@deadweight/test-support).
    globalSetup: ["../../packages/test-support/src/postgres-global-setup.ts"],
  },
});
