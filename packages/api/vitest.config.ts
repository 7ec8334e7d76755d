import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Each test file gets its own throwaway SQLite file; files run in separate processes.
    pool: "forks",
    testTimeout: 30_000,
  },
});
