import type { TestProject } from "vitest/node";
import { startTestPostgres } from "./postgres-server.js";

/**
 * Vitest global setup: one real PostgreSQL server for the whole test run of a package, started here
 * and stopped at its end. Each test file creates its own database on it (createTestPostgresDatabase).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startTestPostgres();
  project.provide("postgresUrl", server.url);
  return () => server.stop();
}
