import type { NextConfig } from "next";

/**
 * The dashboard is served by the Deadweight server process (see host/), which also serves the API
 * on the same origin: pages read data through the in-process tRPC caller, the browser through
 * /api/trpc. Type errors are the workspace's `typecheck` task's job, not the build's.
 */
const config: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  typescript: { ignoreBuildErrors: true },
  // The core and the experiment defaults ship TypeScript source; the browser only takes the core's
  // TF.js-free entry (which is all @deadweight/experiment-config imports of it), and of the API only
  // its import-free limits (@deadweight/api/compare-limits).
  transpilePackages: ["@deadweight/core", "@deadweight/experiment-config", "@deadweight/protocol", "@deadweight/api"],
  experimental: { optimizePackageImports: ["@mantine/core", "@mantine/hooks"] },
  // Workspace packages import their TypeScript siblings as "./x.js" (NodeNext style); webpack maps that
  // back to the .ts file (Turbopack cannot yet, so builds use webpack: `next build --webpack`).
  webpack: (webpackConfig: { resolve: { extensionAlias?: Record<string, string[]> } }) => {
    webpackConfig.resolve.extensionAlias = { ".js": [".ts", ".tsx", ".js"] };
    return webpackConfig;
  },
};

export default config;
