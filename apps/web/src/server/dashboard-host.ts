import type { DashboardHost } from "@deadweight/api";

// A global symbol, not a module variable: the host registers it from its own module instance and
// Next.js's server bundle reads it from another one, in the same process.
const HOST_KEY = Symbol.for("deadweight.dashboard-host");

type WithHost = typeof globalThis & { [HOST_KEY]?: DashboardHost };

/** Called by the Deadweight server before it hands page requests to Next.js. */
export function registerDashboardHost(host: DashboardHost): void {
  (globalThis as WithHost)[HOST_KEY] = host;
}

/** The server hosting these pages: its in-process API and how it is exposed. */
export function dashboardHost(): DashboardHost {
  const host = (globalThis as WithHost)[HOST_KEY];
  if (host === undefined) {
    throw new Error(
      "the dashboard renders inside the Deadweight server: start it with `npm start` (or `deadweight platform`), not `next start`",
    );
  }
  return host;
}
