// The API server in its own process over an already-seeded data directory (argv[2]) and, when given,
// PostgreSQL database (argv[3]), so the load generator and the server do not share an event loop.
import { startApiServer } from "../src/server/start-api-server.js";

const database = process.argv[3];
const server = await startApiServer({
  dataDir: process.argv[2] as string,
  ...(database === undefined ? {} : { database }),
  port: 0,
  log: () => {},
});
console.log(`LISTENING ${server.url}`);
// The benchmark asks for the process's CPU time before and after each workload.
process.on("message", (message) => {
  if (message === "cpu-usage") process.send?.(process.cpuUsage());
});
process.on("SIGTERM", () => {
  server.close().then(() => process.exit(0));
});
