// The API server in its own process on a fresh data directory (argv[2]), so the benchmark's clients
// and the server do not share an event loop. Prints one line: READY {url, workerToken, userToken, projectId}.
import { appRouter, createCallerFactory, startApiServer } from "@deadweight/api";

const server = await startApiServer({ dataDir: process.argv[2] as string, port: 0, log: () => {} });
const owner = server.localOwner;
if (owner === null) throw new Error("the benchmark needs a fresh data directory");
const caller = createCallerFactory(appRouter)({ store: server.store, actor: { kind: "user", userId: owner.userId } });
const token = async (kind: "worker" | "user") =>
  (await caller.team.tokens.create({ teamId: owner.teamId, name: `benchmark ${kind}`, kind })).token;
console.log(
  `READY ${JSON.stringify({ url: server.url, workerToken: await token("worker"), userToken: await token("user"), projectId: owner.projectId })}`,
);
process.on("SIGTERM", () => {
  server.close().then(() => process.exit(0));
});
