import { defineConfig } from "vitest/config";

// Browser tests drive one real platform (server + worker + chromium) per file: one file at a time.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    pool: "forks",
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
