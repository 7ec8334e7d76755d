// The API server in its own process on a fresh data directory (argv[2]) and, for replicas, a shared
// PostgreSQL database (argv[3]) and bucket (argv[4], credentials from the AWS_* variables), so the
// benchmark's clients and the server do not share an event loop. Prints one line:
// READY {url, workerToken, userToken, projectId}; a further replica of a shared store (whose first
// replica made the owner and the tokens) prints READY {url}.
import { appRouter, createCallerFactory, s3SettingsFromEnv, startApiServer } from "@deadweight/api";

const [dataDir, database, artifacts] = process.argv.slice(2) as [string, string | undefined, string | undefined];
const server = await startApiServer({
  dataDir,
  ...(database === undefined ? {} : { database }),
  ...(artifacts === undefined ? {} : { artifacts, s3: s3SettingsFromEnv(process.env) }),
  port: 0,
  log: () => {},
});
process.on("SIGTERM", () => {
  server.close().then(() => process.exit(0));
});
const owner = server.localOwner;
if (owner === null) {
  if (database === undefined) throw new Error("the benchmark needs a fresh data directory");
  console.log(`READY ${JSON.stringify({ url: server.url })}`);
} else {
  const caller = createCallerFactory(appRouter)({ store: server.store, actor: { kind: "user", userId: owner.userId } });
  const token = async (kind: "worker" | "user") =>
    (await caller.team.tokens.create({ teamId: owner.teamId, name: `benchmark ${kind}`, kind })).token;
  console.log(
    `READY ${JSON.stringify({ url: server.url, workerToken: await token("worker"), userToken: await token("user"), projectId: owner.projectId })}`,
  );
}
