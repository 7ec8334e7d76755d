import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { DashboardHost, NodePageHandler } from "@deadweight/api";

/** The Next.js app's folder (apps/web). */
export const DASHBOARD_DIRECTORY = fileURLToPath(new URL("..", import.meta.url));

export interface DashboardOptions {
  /** Next.js development mode (compiles pages on request, hot reload); default: the production build. */
  readonly dev?: boolean;
}

/**
 * The dashboard as a page handler for the Deadweight server: Next.js runs in the server's own
 * process and answers every path outside /api; its pages call the API over loopback HTTP like any
 * other client, and the browser reaches /api/trpc on the same origin.
 */
export async function createDashboard(host: DashboardHost, options: DashboardOptions = {}): Promise<NodePageHandler> {
  const dev = options.dev ?? false;
  if (!dev && !existsSync(join(DASHBOARD_DIRECTORY, ".next", "BUILD_ID"))) {
    throw new DashboardNotBuiltError(
      `the dashboard has no production build in ${join(DASHBOARD_DIRECTORY, ".next")}: run \`npm start\` (it builds it), or \`npm exec --yes pnpm@10.34.9 -- --filter @deadweight/web build\``,
    );
  }
  // The pages' server side calls the API over HTTP, as any client does (src/server/env.ts).
  process.env.DEADWEIGHT_API_URL = host.apiUrl;
  // React and Next.js pick their production code paths from NODE_ENV when they are first loaded.
  if (!dev) (process.env as Record<string, string>).NODE_ENV = "production";
  const { default: next } = await import("next");
  // webpack, like `next build --webpack`: it maps the workspace packages' ".js" imports to their .ts sources.
  const app = next({ dev, dir: DASHBOARD_DIRECTORY, quiet: true, webpack: true });
  await app.prepare();
  const handle = app.getRequestHandler();
  return (incoming, outgoing) => handle(incoming, outgoing);
}

export class DashboardNotBuiltError extends Error {
  override readonly name = "DashboardNotBuiltError";
}
