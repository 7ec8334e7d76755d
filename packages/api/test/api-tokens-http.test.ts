import { TRPCClientError } from "@trpc/client";
import { describe, expect, it } from "vitest";
import { hashApiToken, resolveApiToken } from "../src/auth/api-tokens.js";
import type { AppRouter } from "../src/root.js";
import { signUp } from "./sign-in.js";
import { createTestDatabase } from "./test-database.js";
import { apiClient, startTestServer } from "./test-server.js";

const { store, db } = await createTestDatabase();
const server = await startTestServer(store);

const adminCookie = await signUp(server.url, {
  email: "admin@example.test",
  password: "password-admin",
  name: "Admin",
});
const admin = apiClient(server.url, { cookie: adminCookie });
const team = await admin.team.create.mutate({ name: "Token team" });
const otherTeam = await admin.team.create.mutate({ name: "Other team" });

async function refusal(call: Promise<unknown>): Promise<{ status: number; message: string }> {
  const error = await call.then(
    (value) => {
      throw new Error(`expected a refusal, got ${JSON.stringify(value)}`);
    },
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(TRPCClientError);
  const clientError = error as TRPCClientError<AppRouter>;
  return { status: clientError.data?.httpStatus ?? 0, message: clientError.message };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe("API tokens over HTTP", () => {
  it("returns the secret once, stores only its sha256, and never lists the secret or the hash", async () => {
    const created = await admin.team.tokens.create.mutate({ teamId: team.id, name: "laptop", kind: "user" });
    expect(created.token).toMatch(/^dw_/);
    const stored = await db.apiToken.findUniqueOrThrow({ where: { id: created.id } });
    expect(stored.tokenHash).toBe(hashApiToken(created.token));
    expect(Object.values(stored).map(String)).not.toContain(created.token);

    const listed = await admin.team.tokens.list.query({ teamId: team.id });
    const text = JSON.stringify(listed);
    expect(text).not.toContain(created.token);
    expect(text).not.toContain(stored.tokenHash);
    expect(text).not.toMatch(/tokenHash/);
    expect(listed.items[0]).toMatchObject({ name: "laptop", kind: "user", prefix: created.token.slice(0, 11) });
  });

  it("acts as its creator inside its team, records when it was used, and stops working once revoked", async () => {
    const { token, id } = await admin.team.tokens.create.mutate({ teamId: team.id, name: "ci", kind: "user" });
    expect((await db.apiToken.findUniqueOrThrow({ where: { id } })).lastUsedAt).toBeNull();

    const viaToken = apiClient(server.url, bearer(token));
    const before = Date.now();
    expect(await viaToken.team.me.query()).toMatchObject({
      email: "admin@example.test",
      token: { id, teamId: team.id },
    });
    expect((await viaToken.team.get.query({ teamId: team.id })).role).toBe("owner");
    const lastUsedAt = (await db.apiToken.findUniqueOrThrow({ where: { id } })).lastUsedAt;
    expect(lastUsedAt?.getTime()).toBeGreaterThanOrEqual(before - 1000);

    // The creator owns the other team too, but this token is a key to one team only.
    expect((await viaToken.team.listMine.query()).map((t) => t.id)).toEqual([team.id]);
    expect((await refusal(viaToken.team.get.query({ teamId: otherTeam.id }))).status).toBe(404);

    await admin.team.tokens.revoke.mutate({ tokenId: id });
    const refused = await refusal(viaToken.team.me.query());
    expect(refused).toMatchObject({ status: 401, message: expect.stringMatching(/not valid/) });
    // Plain routes refuse it as well.
    const artifacts = await fetch(`${server.url}/api/artifacts/anything`, { headers: bearer(token) });
    expect(artifacts.status).toBe(401);
    expect(await db.auditEntry.count({ where: { teamId: team.id, action: "token.revoke", targetId: id } })).toBe(1);
  });

  it("refuses unknown tokens and malformed Authorization headers with 401", async () => {
    expect((await refusal(apiClient(server.url, bearer("dw_made-up")).team.me.query())).status).toBe(401);
    const basic = apiClient(server.url, { authorization: "Basic YWRtaW46YWRtaW4=" });
    expect((await refusal(basic.team.listMine.query())).status).toBe(401);
    // A valid cookie does not rescue a bad token: credentials presented must be right.
    const both = apiClient(server.url, { cookie: adminCookie, ...bearer("dw_made-up") });
    expect((await refusal(both.team.me.query())).status).toBe(401);
  });

  it("keeps worker tokens off every user procedure", async () => {
    const { token } = await admin.team.tokens.create.mutate({ teamId: team.id, name: "gpu-box", kind: "worker" });
    const worker = apiClient(server.url, bearer(token));
    // One at a time: a call started before its turn could fail unobserved (an unhandled rejection).
    for (const call of [
      () => worker.team.me.query(),
      () => worker.team.listMine.query(),
      () => worker.team.get.query({ teamId: team.id }),
      () => worker.team.members.list.query({ teamId: team.id }),
      () => worker.team.tokens.create.mutate({ teamId: team.id, name: "more", kind: "user" }),
    ]) {
      expect(await refusal(call())).toMatchObject({ status: 403, message: expect.stringMatching(/worker tokens/) });
    }
    expect(await db.apiToken.count({ where: { teamId: team.id, name: "more" } })).toBe(0);
  });

  it("stops a removed member's tokens", async () => {
    const memberCookie = await signUp(server.url, {
      email: "leaver@example.test",
      password: "password-leaver",
      name: "L",
    });
    const leaver = await admin.team.members.add.mutate({
      teamId: team.id,
      email: "leaver@example.test",
      role: "admin",
    });
    const { token } = await apiClient(server.url, { cookie: memberCookie }).team.tokens.create.mutate({
      teamId: team.id,
      name: "leaver's",
      kind: "user",
    });
    const viaToken = apiClient(server.url, bearer(token));
    expect((await viaToken.team.get.query({ teamId: team.id })).role).toBe("admin");
    await admin.team.members.remove.mutate({ teamId: team.id, userId: leaver.userId });
    expect((await refusal(viaToken.team.get.query({ teamId: team.id }))).status).toBe(401);
  });

  it("writes lastUsedAt at most about once a minute per token", async () => {
    const { token, id } = await admin.team.tokens.create.mutate({ teamId: team.id, name: "busy", kind: "worker" });
    const lastUsed = async () => (await db.apiToken.findUniqueOrThrow({ where: { id } })).lastUsedAt?.getTime();
    const t0 = Date.parse("2030-01-01T00:00:00Z");
    await resolveApiToken(store, token, new Date(t0));
    expect(await lastUsed()).toBe(t0);
    await resolveApiToken(store, token, new Date(t0 + 30_000));
    expect(await lastUsed()).toBe(t0);
    await resolveApiToken(store, token, new Date(t0 + 61_000));
    expect(await lastUsed()).toBe(t0 + 61_000);
  });
});
