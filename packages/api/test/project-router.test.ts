import { describe, expect, it } from "vitest";
import { createTestDatabase } from "./test-database.js";
import { createStaffedTeam, expectBadField, rejectionOf } from "./tracking-fixtures.js";

const { store, db } = await createTestDatabase();

describe("project router", () => {
  it("lets a member create a project, deriving the slug from the name, and records it in the audit log", async () => {
    const { team, people, member } = await createStaffedTeam(store, "Vision");
    const project = await member.project.create({ teamId: team.id, name: "MNIST Edge models" });
    expect(project).toMatchObject({ teamId: team.id, name: "MNIST Edge models", slug: "mnist-edge-models" });
    expect(Object.keys(project).sort()).toEqual(["createdAt", "description", "id", "name", "slug", "teamId"]);

    const audit = await db.auditEntry.findMany({ where: { targetId: project.id } });
    expect(audit).toMatchObject([{ teamId: team.id, actorUserId: people.member.userId, action: "project.create" }]);
  });

  it("refuses a slug already used in the team with a CONFLICT naming it, but allows it in another team", async () => {
    const vision = await createStaffedTeam(store, "Vision");
    const audio = await createStaffedTeam(store, "Audio");
    await vision.member.project.create({ teamId: vision.team.id, name: "First", slug: "edge" });
    const error = await rejectionOf(
      vision.admin.project.create({ teamId: vision.team.id, name: "Second", slug: "edge" }),
    );
    expect(error.code).toBe("CONFLICT");
    expect(error.message).toContain('slug "edge"');
    await expect(
      audio.member.project.create({ teamId: audio.team.id, name: "Other", slug: "edge" }),
    ).resolves.toMatchObject({
      slug: "edge",
    });
    expect(await db.project.count({ where: { teamId: vision.team.id } })).toBe(1);
  });

  it("does not let a viewer create a project", async () => {
    const { team, viewer } = await createStaffedTeam(store, "Vision");
    const error = await rejectionOf(viewer.project.create({ teamId: team.id, name: "Nope" }));
    expect(error.code).toBe("FORBIDDEN");
    expect(error.message).toContain("member role");
    expect(await db.project.count({ where: { teamId: team.id } })).toBe(0);
  });

  it("names the field of bad input", async () => {
    const { team, people } = await createStaffedTeam(store, "Vision");
    const actor = people.member;
    await expectBadField(store, actor, "project.create", { teamId: team.id, name: "  " }, "name");
    await expectBadField(store, actor, "project.create", { teamId: team.id, name: "x", slug: "Has Spaces" }, "slug");
    await expectBadField(store, actor, "project.create", { name: "x" }, "teamId");
    await expectBadField(store, actor, "project.create", { teamId: team.id, name: "!!!" }, "slug");
    await expectBadField(
      store,
      actor,
      "project.create",
      { teamId: team.id, name: "x", description: "d".repeat(2001) },
      "description",
    );
  });

  it("lists a team's projects newest first, page by page, and gets one with its experiment count", async () => {
    const { team, member, viewer } = await createStaffedTeam(store, "Vision");
    const created = [];
    for (const name of ["One", "Two", "Three"]) created.push(await member.project.create({ teamId: team.id, name }));

    const first = await viewer.project.list({ teamId: team.id, limit: 2 });
    expect(first.items.map((project) => project.name)).toEqual(["Three", "Two"]);
    expect(first.nextCursor).not.toBeNull();
    const second = await viewer.project.list({ teamId: team.id, limit: 2, cursor: first.nextCursor ?? undefined });
    expect(second.items.map((project) => project.name)).toEqual(["One"]);
    expect(second.nextCursor).toBeNull();

    const project = await viewer.project.get({ projectId: created[0]?.id ?? "" });
    expect(project).toMatchObject({ name: "One", slug: "one", experimentCount: 0 });
  });
});
