import { describe, expect, it } from "vitest";
import type { UserActor } from "../src/access/actor.js";
import { hashApiToken } from "../src/auth/api-tokens.js";
import { appRouter } from "../src/root.js";
import { createCallerFactory } from "../src/trpc/trpc.js";
import { expectInvalidInput, expectTrpcError } from "./expect-trpc-error.js";
import { createPerson, createTeam } from "./people.js";
import { createTestDatabase } from "./test-database.js";

const { store, db } = await createTestDatabase();
const createCaller = createCallerFactory(appRouter);
const as = (actor: UserActor) => createCaller({ store, actor });

async function auditActions(teamId: string) {
  const entries = await db.auditEntry.findMany({ where: { teamId }, orderBy: { createdAt: "asc" } });
  return entries.map((entry) => entry.action);
}

describe("teams", () => {
  it("makes the creator the owner, lists the team with the role and audits the creation", async () => {
    const ada = await createPerson(db, "Ada");
    const team = await as(ada).team.create({ name: "  Vision Lab  " });
    expect(team).toMatchObject({ name: "Vision Lab", slug: "vision-lab", role: "owner" });
    expect(await as(ada).team.listMine()).toEqual([expect.objectContaining({ id: team.id, role: "owner" })]);
    expect(await as(ada).team.get({ teamId: team.id })).toMatchObject({ id: team.id, role: "owner", memberCount: 1 });
    expect(await auditActions(team.id)).toEqual(["team.create"]);
    // A second team of the same name gets its own slug.
    const again = await as(ada).team.create({ name: "Vision Lab" });
    expect(again.slug).not.toBe(team.slug);
  });

  it("me returns the person without anything secret", async () => {
    const ada = await createPerson(db, "Ada");
    const me = await as(ada).team.me();
    expect(Object.keys(me).sort()).toEqual(["createdAt", "email", "emailVerified", "id", "name", "token"]);
    expect(me).toMatchObject({ id: ada.userId, email: ada.email, token: null });
  });
});

describe("roles", () => {
  it("lets viewers read but not manage members", async () => {
    const [owner, viewer, newcomer] = await Promise.all(
      ["Owner", "Viewer", "Newcomer"].map((n) => createPerson(db, n)),
    );
    const team = await createTeam(db, "Roles", [
      [owner!, "owner"],
      [viewer!, "viewer"],
    ]);
    const members = await as(viewer!).team.members.list({ teamId: team.id });
    expect(members.items.map((m) => [m.name, m.role])).toEqual([
      ["Owner", "owner"],
      ["Viewer", "viewer"],
    ]);
    await expectTrpcError(
      as(viewer!).team.members.add({ teamId: team.id, email: newcomer!.email, role: "viewer" }),
      "FORBIDDEN",
      /admin role or higher/,
    );
    await expectTrpcError(as(viewer!).team.tokens.list({ teamId: team.id }), "FORBIDDEN");
  });

  it("does not let members create or list tokens, and lets admins", async () => {
    const [admin, member] = await Promise.all(["Admin", "Member"].map((n) => createPerson(db, n)));
    const team = await createTeam(db, "Tokens", [
      [admin!, "admin"],
      [member!, "member"],
    ]);
    await expectTrpcError(as(member!).team.tokens.create({ teamId: team.id, name: "ci", kind: "user" }), "FORBIDDEN");
    await expectTrpcError(as(member!).team.tokens.list({ teamId: team.id }), "FORBIDDEN");

    const created = await as(admin!).team.tokens.create({ teamId: team.id, name: "ci", kind: "worker" });
    expect(created.token).toMatch(/^dw_[A-Za-z0-9_-]{43}$/);
    expect(created.prefix).toBe(created.token.slice(0, 11));
    const stored = await db.apiToken.findUniqueOrThrow({ where: { id: created.id } });
    expect(stored.tokenHash).toBe(hashApiToken(created.token));
    expect(JSON.stringify(stored)).not.toContain(created.token);

    const listed = await as(admin!).team.tokens.list({ teamId: team.id });
    expect(listed.items).toHaveLength(1);
    expect(Object.keys(listed.items[0]!).sort()).toEqual(
      ["createdAt", "createdBy", "id", "kind", "lastUsedAt", "name", "prefix", "revokedAt", "teamId"].sort(),
    );
    expect(JSON.stringify(listed)).not.toContain(stored.tokenHash);

    await expectTrpcError(as(member!).team.tokens.revoke({ tokenId: created.id }), "FORBIDDEN");
    const revoked = await as(admin!).team.tokens.revoke({ tokenId: created.id });
    expect(revoked.revokedAt).toBeInstanceOf(Date);
    // Revoking twice answers the same and is audited once.
    expect((await as(admin!).team.tokens.revoke({ tokenId: created.id })).revokedAt).toEqual(revoked.revokedAt);
    expect(await auditActions(team.id)).toEqual(["token.create", "token.revoke"]);
    expect((await as(admin!).team.tokens.list({ teamId: team.id, includeRevoked: false })).items).toEqual([]);
  });

  it("lets admins add members and change roles, but leaves the owner role to owners", async () => {
    const [owner, admin, carol, dave] = await Promise.all(
      ["Owner", "Admin", "Carol", "Dave"].map((n) => createPerson(db, n)),
    );
    const team = await createTeam(db, "Admins", [
      [owner!, "owner"],
      [admin!, "admin"],
    ]);
    const added = await as(admin!).team.members.add({
      teamId: team.id,
      email: carol!.email.toUpperCase(),
      role: "member",
    });
    expect(added).toMatchObject({ userId: carol!.userId, role: "member", email: carol!.email });
    await expectTrpcError(
      as(admin!).team.members.add({ teamId: team.id, email: carol!.email, role: "viewer" }),
      "CONFLICT",
      /already a member/,
    );
    await expectTrpcError(
      as(admin!).team.members.add({ teamId: team.id, email: "nobody@example.test", role: "viewer" }),
      "NOT_FOUND",
      /sign up first/,
    );
    expect(
      await as(admin!).team.members.changeRole({ teamId: team.id, userId: carol!.userId, role: "viewer" }),
    ).toMatchObject({ role: "viewer" });
    await expectTrpcError(
      as(admin!).team.members.add({ teamId: team.id, email: dave!.email, role: "owner" }),
      "FORBIDDEN",
      /only an owner/,
    );
    await expectTrpcError(
      as(admin!).team.members.changeRole({ teamId: team.id, userId: carol!.userId, role: "owner" }),
      "FORBIDDEN",
    );
    await expectTrpcError(
      as(admin!).team.members.changeRole({ teamId: team.id, userId: owner!.userId, role: "member" }),
      "FORBIDDEN",
    );
    await expectTrpcError(as(admin!).team.members.remove({ teamId: team.id, userId: owner!.userId }), "FORBIDDEN");
    await expectTrpcError(
      as(admin!).team.members.changeRole({ teamId: team.id, userId: dave!.userId, role: "member" }),
      "NOT_FOUND",
    );
    await as(admin!).team.members.remove({ teamId: team.id, userId: carol!.userId });
    await expectTrpcError(as(carol!).team.get({ teamId: team.id }), "NOT_FOUND");
    expect(await auditActions(team.id)).toEqual(["member.add", "member.role-change", "member.remove"]);
  });

  it("never leaves a team without an owner", async () => {
    const [owner, second] = await Promise.all(["Owner", "Second"].map((n) => createPerson(db, n)));
    const team = await createTeam(db, "Owners", [[owner!, "owner"]]);
    await expectTrpcError(
      as(owner!).team.members.changeRole({ teamId: team.id, userId: owner!.userId, role: "admin" }),
      "CONFLICT",
      /at least one owner/,
    );
    await expectTrpcError(as(owner!).team.members.remove({ teamId: team.id, userId: owner!.userId }), "CONFLICT");

    await as(owner!).team.members.add({ teamId: team.id, email: second!.email, role: "owner" });
    // Two owners demoting each other at once: exactly one succeeds.
    const outcomes = await Promise.allSettled([
      as(owner!).team.members.changeRole({ teamId: team.id, userId: second!.userId, role: "admin" }),
      as(second!).team.members.changeRole({ teamId: team.id, userId: owner!.userId, role: "admin" }),
    ]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(["fulfilled", "rejected"]);
    expect(await db.membership.count({ where: { teamId: team.id, role: "owner" } })).toBe(1);
  });

  it("lets anyone leave, and revokes the tokens the leaver made for the team", async () => {
    const [owner, admin] = await Promise.all(["Owner", "Admin"].map((n) => createPerson(db, n)));
    const team = await createTeam(db, "Leaving", [
      [owner!, "owner"],
      [admin!, "admin"],
    ]);
    const token = await as(admin!).team.tokens.create({ teamId: team.id, name: "laptop", kind: "user" });
    expect(await as(admin!).team.members.remove({ teamId: team.id, userId: admin!.userId })).toMatchObject({
      revokedTokens: 1,
    });
    expect((await db.apiToken.findUniqueOrThrow({ where: { id: token.id } })).revokedAt).not.toBeNull();
    expect((await auditActions(team.id)).at(-1)).toBe("member.leave");
  });

  it("keeps a user token inside its team", async () => {
    const ada = await createPerson(db, "Ada");
    const teamA = await createTeam(db, "A", [[ada, "owner"]]);
    const teamB = await createTeam(db, "B", [[ada, "owner"]]);
    const viaToken: UserActor = { ...ada, tokenId: "t", tokenTeamId: teamA.id };
    expect((await as(viaToken).team.listMine()).map((t) => t.id)).toEqual([teamA.id]);
    await expectTrpcError(as(viaToken).team.get({ teamId: teamB.id }), "NOT_FOUND");
    await expectTrpcError(as(viaToken).team.create({ name: "Sneaky" }), "FORBIDDEN");
    await expectTrpcError(as(viaToken).team.tokens.create({ teamId: teamA.id, name: "x", kind: "user" }), "FORBIDDEN");
  });
});

describe("isolation", () => {
  it("answers a member of team A about team B exactly as if B did not exist", async () => {
    const alice = await createPerson(db, "Alice");
    const bob = await createPerson(db, "Bob");
    const bobsColleague = await createPerson(db, "Colleague");
    await createTeam(db, "Team A", [[alice, "owner"]]);
    const teamB = await createTeam(db, "Team B", [
      [bob, "owner"],
      [bobsColleague, "member"],
    ]);
    const bToken = await as(bob).team.tokens.create({ teamId: teamB.id, name: "b", kind: "user" });
    const alicesCalls = (teamId: string, tokenId: string) => {
      const api = as(alice).team;
      return {
        get: () => api.get({ teamId }),
        "members.list": () => api.members.list({ teamId }),
        "members.add": () => api.members.add({ teamId, email: alice.email, role: "owner" }),
        "members.changeRole": () => api.members.changeRole({ teamId, userId: bobsColleague.userId, role: "admin" }),
        "members.remove": () => api.members.remove({ teamId, userId: bobsColleague.userId }),
        "tokens.create": () => api.tokens.create({ teamId, name: "mine now", kind: "worker" }),
        "tokens.list": () => api.tokens.list({ teamId }),
        "tokens.revoke": () => api.tokens.revoke({ tokenId }),
      };
    };
    const real = alicesCalls(teamB.id, bToken.id);
    const missing = alicesCalls("no-such-team", "no-such-token");
    for (const name of Object.keys(real) as Array<keyof typeof real>) {
      const onB = await expectTrpcError(real[name](), "NOT_FOUND");
      const onNothing = await expectTrpcError(missing[name](), "NOT_FOUND");
      // Same wording, only the id differs: nothing tells B's ids from made-up ones.
      expect(onB.message.replace(teamB.id, "ID").replace(bToken.id, "ID"), name).toBe(
        onNothing.message.replace("no-such-team", "ID").replace("no-such-token", "ID"),
      );
    }
    expect(await as(alice).team.listMine()).toHaveLength(1);
    // Nothing on B changed.
    expect(await db.membership.findMany({ where: { teamId: teamB.id }, select: { userId: true, role: true } })).toEqual(
      expect.arrayContaining([
        { userId: bob.userId, role: "owner" },
        { userId: bobsColleague.userId, role: "member" },
      ]),
    );
    expect(await db.membership.count({ where: { teamId: teamB.id } })).toBe(2);
    expect(await db.apiToken.count({ where: { teamId: teamB.id, revokedAt: null } })).toBe(1);
  });
});

describe("bad input", () => {
  it("names the field of every mutation's bad input", async () => {
    const ada = await createPerson(db, "Ada");
    const team = await createTeam(db, "Inputs", [[ada, "owner"]]);
    const api = as(ada).team;
    const t = team.id;
    await expectInvalidInput(api.create({ name: "   " }), "name");
    await expectInvalidInput(api.create({ name: "x".repeat(101) }), "name");
    await expectInvalidInput(api.members.add({ teamId: t, email: "not-an-email", role: "member" }), "email");
    await expectInvalidInput(api.members.add({ teamId: t, email: "a@b.test", role: "boss" as "member" }), "role");
    await expectInvalidInput(api.members.add({ teamId: "", email: "a@b.test", role: "member" }), "teamId");
    await expectInvalidInput(api.members.changeRole({ teamId: t, userId: "", role: "member" }), "userId");
    await expectInvalidInput(api.members.changeRole({ teamId: t, userId: "u", role: "king" as "member" }), "role");
    await expectInvalidInput(api.members.remove({ teamId: t } as { teamId: string; userId: string }), "userId");
    await expectInvalidInput(api.tokens.create({ teamId: t, name: "", kind: "user" }), "name");
    await expectInvalidInput(api.tokens.create({ teamId: t, name: "ci", kind: "robot" as "user" }), "kind");
    await expectInvalidInput(api.tokens.revoke({ tokenId: "" }), "tokenId");
    await expectInvalidInput(api.members.list({ teamId: t, limit: 0 }), "limit");
    expect(await auditActions(t)).toEqual([]);
  });
});
