import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // A real PostgreSQL server for the run (@deadweight/test-support); each test makes its own databases.
    globalSetup: ["../test-support/src/postgres-global-setup.ts"],
  },
});
