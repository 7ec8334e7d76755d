import { defineConfig } from "vitest/config";

// Every test file runs against both stores (a matrix): the embedded SQLite file, and a real
// PostgreSQL server that the postgres project starts for the run (@deadweight/test-support). Files
// about SQLite itself (its file surviving a SIGKILL) run on SQLite only; copying a store goes between
// the two kinds, so it needs the PostgreSQL server and runs once.
const SQLITE_ONLY = ["test/restart.test.ts"];
const ACROSS_STORES = ["test/copy-store.test.ts"];

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Each test file gets its own throwaway store; files run in separate processes.
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: "sqlite", env: { DEADWEIGHT_TEST_STORE: "sqlite" }, exclude: ACROSS_STORES } },
      {
        extends: true,
        test: {
          name: "postgres",
          env: { DEADWEIGHT_TEST_STORE: "postgres" },
          exclude: SQLITE_ONLY,
          globalSetup: ["../test-support/src/postgres-global-setup.ts"],
        },
      },
    ],
  },
});
