import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["test/setup-backend.ts"],
    // TensorFlow.js keeps one engine per process; files run in separate forks, tests within a file in order.
    pool: "forks",
    testTimeout: 60_000,
  },
});
