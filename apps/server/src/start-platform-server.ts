import {
  type ApiServerOptions,
  type DashboardHost,
  type NodePageHandler,
  PAGE_SECURITY_HEADERS,
  type RunningApiServer,
  startApiServer,
} from "@deadweight/api";
import { createDashboard, DashboardNotBuiltError } from "@deadweight/web/host";

/** Whether the host serves the dashboard: its production build, Next.js in development mode, or none. */
export type DashboardMode = "on" | "dev" | "off";

export interface PlatformServerOptions extends Omit<ApiServerOptions, "dashboard"> {
  /** Default "on". */
  readonly dashboard?: DashboardMode;
}

/**
 * The platform's one HTTP host: the API (sign-in, tRPC, artifacts) and the dashboard on one origin,
 * over the store of a data directory. `deadweight-server` (this app) and `deadweight platform` (the
 * CLI, which adds a local worker and the demo runs) both start it.
 */
export function startPlatformServer(options: PlatformServerOptions = {}): Promise<RunningApiServer> {
  const { dashboard = "on", ...rest } = options;
  const say = options.log ?? ((line: string) => console.log(line));
  return startApiServer({
    ...rest,
    ...(dashboard === "off" ? {} : { dashboard: (host) => startDashboard(host, dashboard === "dev", say) }),
  });
}

/**
 * The dashboard in this process. Without a production build (a checkout where `npm start` has not
 * run yet) the API still serves, and the pages say how to build the dashboard.
 */
async function startDashboard(
  host: DashboardHost,
  dev: boolean,
  say: (line: string) => void,
): Promise<NodePageHandler> {
  try {
    const pages = await createDashboard(host, { dev });
    if (!dev) return pages;
    // Next.js's development mode evaluates its modules (React Refresh) with eval; its build does not.
    const policy = (PAGE_SECURITY_HEADERS["content-security-policy"] ?? "").replace(
      "script-src 'self' 'unsafe-inline'",
      "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
    );
    return (incoming, outgoing) => {
      outgoing.setHeader("content-security-policy", policy);
      return pages(incoming, outgoing);
    };
  } catch (error) {
    if (!(error instanceof DashboardNotBuiltError)) throw error;
    say(`dashboard unavailable: ${error.message}`);
    return async (_incoming, outgoing) => {
      outgoing.writeHead(503, { "content-type": "text/plain; charset=utf-8" });
      outgoing.end(`The Deadweight dashboard is not built on this machine: ${error.message}\n`);
    };
  }
}
