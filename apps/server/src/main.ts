import type { RunningApiServer } from "@deadweight/api";
import { readServerEnv, type ServerEnv } from "./env.js";
import { startPlatformServer } from "./start-platform-server.js";

let env: ServerEnv;
try {
  env = readServerEnv();
} catch (error) {
  console.error(`deadweight-server: ${(error as Error).message}`);
  process.exit(2);
}

let server: RunningApiServer;
try {
  server = await startPlatformServer({
    dashboard: env.dashboard,
    ...(env.database === undefined ? {} : { database: env.database }),
    ...(env.artifacts === undefined ? {} : { artifacts: env.artifacts }),
    s3: env.s3,
    host: env.host,
    port: env.port,
    ...(env.dataDir === undefined ? {} : { dataDir: env.dataDir }),
    ...(env.authSecret === undefined ? {} : { authSecret: env.authSecret }),
    ...env.hostSettings,
  });
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code;
  const hint = code === "EADDRINUSE" ? ` (port ${env.port} is taken: set DEADWEIGHT_PORT to another one)` : "";
  console.error(`deadweight-server: could not start: ${(error as Error).message}${hint}`);
  process.exit(1);
}
console.log(
  `Deadweight ${env.dashboard === "off" ? "API" : "dashboard and API"} listening on ${server.url} (data in ${server.dataDir}); Ctrl+C stops it.`,
);

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(130);
    stopping = true;
    console.log(`${signal}: finishing requests in flight, then stopping`);
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error("deadweight-server: could not close cleanly", error);
        process.exit(1);
      },
    );
  });
}
