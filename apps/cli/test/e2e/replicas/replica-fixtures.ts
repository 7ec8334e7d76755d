import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { AppRouter } from "@deadweight/api";
import { createTestPostgresDatabase, startS3Server, type TestS3Server } from "@deadweight/test-support";
import { createTRPCClient, httpLink } from "@trpc/client";
import { inject } from "vitest";
import { printed, type SpawnedProcess, spawnNode } from "../spawned-process.js";

/**
 * Several real API server processes (`deadweight-server`, as deployed) over one PostgreSQL database
 * and one S3-compatible bucket (s3rver), sharing the session secret: replicas.
 */

const SERVER_BIN = fileURLToPath(new URL("../../../../server/bin/deadweight-server.mjs", import.meta.url));

export interface SharedStore {
  readonly databaseUrl: string;
  readonly s3: TestS3Server;
  readonly artifacts: string;
  readonly authSecret: string;
}

export async function createSharedStore(): Promise<SharedStore> {
  const s3 = await startS3Server();
  return {
    databaseUrl: await createTestPostgresDatabase(inject("postgresUrl"), "replicas"),
    s3,
    artifacts: `s3://${s3.bucket}/replicas`,
    authSecret: randomBytes(32).toString("base64url"),
  };
}

export interface Replica extends SpawnedProcess {
  readonly name: string;
  readonly url: string;
}

/** Starts `deadweight-server` over the shared store on a free port; resolves once it listens. */
export async function startReplica(name: string, shared: SharedStore): Promise<Replica> {
  const replica = spawnNode([SERVER_BIN], {
    PATH: process.env.PATH ?? "",
    NODE_ENV: "production",
    DEADWEIGHT_DATA_DIR: mkdtempSync(join(tmpdir(), `deadweight-${name}-`)),
    DEADWEIGHT_PORT: "0",
    DEADWEIGHT_DASHBOARD: "off",
    DEADWEIGHT_DATABASE_URL: shared.databaseUrl,
    DEADWEIGHT_ARTIFACTS: shared.artifacts,
    DEADWEIGHT_AUTH_SECRET: shared.authSecret,
    AWS_ENDPOINT_URL: shared.s3.endpoint,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: shared.s3.accessKeyId,
    AWS_SECRET_ACCESS_KEY: shared.s3.secretAccessKey,
  });
  const [, url] = await printed(replica, `replica ${name} to listen`, /listening on (http:\S+)/, 60_000);
  return { ...replica, name, url: url as string };
}

/** A tRPC client of a replica sending `token` (a user or worker API token). */
export function apiOf(url: string, token: string) {
  return createTRPCClient<AppRouter>({
    links: [httpLink({ url: `${url}/api/trpc`, headers: { authorization: `Bearer ${token}` } })],
  });
}

/**
 * Signs in as the local owner whose credentials the first replica printed, and creates a user and a
 * worker token for its team through that replica.
 */
export async function ownerTokens(replica: Replica) {
  const email = /email: +(\S+)/.exec(replica.output())?.[1];
  const password = /password: +(\S+)/.exec(replica.output())?.[1];
  if (email === undefined || password === undefined)
    throw new Error(`no first-start credentials in:\n${replica.output()}`);
  const signIn = await fetch(`${replica.url}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: replica.url },
    body: JSON.stringify({ email, password }),
  });
  if (!signIn.ok) throw new Error(`sign-in failed: ${signIn.status} ${await signIn.text()}`);
  const cookie = signIn.headers
    .getSetCookie()
    .map((entry) => entry.split(";")[0])
    .join("; ");
  const owner = createTRPCClient<AppRouter>({
    links: [httpLink({ url: `${replica.url}/api/trpc`, headers: { cookie, origin: replica.url } })],
  });
  const [team] = await owner.team.listMine.query();
  if (team === undefined) throw new Error("the owner has no team");
  const projects = await owner.project.list.query({ teamId: team.id, limit: 10 });
  const project = projects.items[0];
  if (project === undefined) throw new Error("the owner's team has no project");
  const user = await owner.team.tokens.create.mutate({ teamId: team.id, name: "replica test user", kind: "user" });
  const worker = await owner.team.tokens.create.mutate({
    teamId: team.id,
    name: "replica test worker",
    kind: "worker",
  });
  return { teamId: team.id, projectId: project.id, userToken: user.token, workerToken: worker.token };
}
