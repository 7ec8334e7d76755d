import { mkdirSync } from "node:fs";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { defineConfig } from "prisma/config";

// Prisma 6.19 with the JS schema engine: generate, migrate diff and migrate deploy all work offline.
// prisma.config.ts does not load .env: DATABASE_URL comes from the environment, with a local default.
const url = process.env.DATABASE_URL ?? "file:./.data/deadweight.db";
if (process.env.DATABASE_URL === undefined) mkdirSync(".data", { recursive: true });

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  adapter: async () => new PrismaBetterSQLite3({ url }),
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
});
