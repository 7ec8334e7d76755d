import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    pool: "forks",
    // End-to-end tests train small real models in a child process.
    testTimeout: 120_000,
  },
});
