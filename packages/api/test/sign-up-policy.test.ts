import { describe, expect, it } from "vitest";
import { defaultSignUpPolicy } from "../src/domain/sign-up/sign-up-policy.js";
import { createPerson, createTeam } from "./people.js";
import { postJson } from "./sign-in.js";
import { createTestDatabase } from "./test-database.js";
import { apiClient, startTestServer } from "./test-server.js";

const { store, db } = await createTestDatabase();
const admin = await createPerson(db, "Admin");
const member = await createPerson(db, "Member");
const team = await createTeam(db, "Invites", [
  [admin, "admin"],
  [member, "member"],
]);

function signUp(url: string, email: string) {
  return postJson(`${url}/api/auth/sign-up/email`, { email, password: "correct horse battery", name: "New" });
}

async function errorOf(response: Response): Promise<{ code: string; message: string }> {
  return ((await response.json()) as { error: { code: string; message: string } }).error;
}

describe("sign-up policy", () => {
  it("is open on loopback and invite-only on the network unless set", () => {
    expect(defaultSignUpPolicy("loopback")).toBe("open");
    expect(defaultSignUpPolicy("network")).toBe("invite");
  });

  it("invite: refuses an uninvited email, saying whom to ask, and accepts one an admin invited", async () => {
    const server = await startTestServer(store, { signUp: "invite", authRateLimit: false });
    const uninvited = await signUp(server.url, "stranger@example.test");
    expect(uninvited.status).toBe(403);
    expect((await errorOf(uninvited)).message).toMatch(
      /by invitation \(DEADWEIGHT_SIGN_UP=invite\) and stranger@example\.test has not been invited: ask a team admin/,
    );
    expect(await db.user.count({ where: { email: "stranger@example.test" } })).toBe(0);

    // The admin invites through tRPC (as the Team page does); a member may not.
    const asAdmin = apiClient(server.url, { authorization: `Bearer ${await userToken(admin.userId)}` });
    const asMember = apiClient(server.url, { authorization: `Bearer ${await userToken(member.userId)}` });
    await expect(
      asMember.team.invitations.create.mutate({ teamId: team.id, email: "grace@example.test" }),
    ).rejects.toThrow(/admin/);
    const invitation = await asAdmin.team.invitations.create.mutate({ teamId: team.id, email: "Grace@Example.test" });
    expect(invitation.email).toBe("grace@example.test");
    expect((await asAdmin.team.invitations.list.query({ teamId: team.id })).map((i) => i.email)).toEqual([
      "grace@example.test",
    ]);
    expect(await db.auditEntry.count({ where: { action: "sign-up.invite", targetId: "grace@example.test" } })).toBe(1);

    const invited = await signUp(server.url, "grace@example.test");
    expect(invited.status, await invited.clone().text()).toBe(200);
    const grace = await db.user.findUniqueOrThrow({ where: { email: "grace@example.test" }, select: { id: true } });
    // She lands in the team that invited her, as a member, and the invitation is used up.
    expect(
      await db.membership.findUnique({
        where: { teamId_userId: { teamId: team.id, userId: grace.id } },
        select: { role: true },
      }),
    ).toEqual({ role: "member" });
    expect(await db.auditEntry.count({ where: { action: "member.join", targetId: grace.id } })).toBe(1);
    expect(await asAdmin.team.invitations.list.query({ teamId: team.id })).toEqual([]);
  });

  it("closed: refuses every sign-up, invited or not", async () => {
    const server = await startTestServer(store, { signUp: "closed", authRateLimit: false });
    const asAdmin = apiClient(server.url, { authorization: `Bearer ${await userToken(admin.userId)}` });
    await asAdmin.team.invitations.create.mutate({ teamId: team.id, email: "ada@example.test" });
    const refused = await signUp(server.url, "ada@example.test");
    expect(refused.status).toBe(403);
    expect((await errorOf(refused)).message).toMatch(/sign-up is closed on this server/);
    expect(await db.user.count({ where: { email: "ada@example.test" } })).toBe(0);
  });

  it("defaults to invite-only on a server bound to the network", async () => {
    const server = await startTestServer(store, { host: "0.0.0.0", authRateLimit: false });
    const local = `http://127.0.0.1:${new URL(server.url).port}`;
    expect((await signUp(local, "lin@example.test")).status).toBe(403);
  });
});

/** A user API token of `userId` in the team, written straight into the database. */
async function userToken(userId: string): Promise<string> {
  const { generateApiToken } = await import("../src/auth/api-tokens.js");
  const generated = generateApiToken();
  await db.apiToken.create({
    data: {
      teamId: team.id,
      createdById: userId,
      name: `token-${generated.prefix}`,
      kind: "user",
      prefix: generated.prefix,
      tokenHash: generated.tokenHash,
    },
  });
  return generated.token;
}
