import { beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "./test-database.js";
import { createStaffedTeam, expectBadField, rejectionOf, smallConfig } from "./tracking-fixtures.js";

const { store } = await createTestDatabase();

let staff: Awaited<ReturnType<typeof createStaffedTeam>>;
let runId: string;

beforeAll(async () => {
  staff = await createStaffedTeam(store, "Audited");
  const project = await staff.member.project.create({ teamId: staff.team.id, name: "P" });
  const experiment = await staff.member.experiment.create({ projectId: project.id, name: "E", config: smallConfig() });
  runId = (await staff.admin.run.queue({ experimentId: experiment.id })).id;
  await staff.member.run.cancel({ runId });
});

describe("audit.list", () => {
  it("shows an admin the team's changes newest first, with who made them", async () => {
    const page = await staff.admin.audit.list({ teamId: staff.team.id });
    expect(page.items.map((entry) => entry.action)).toEqual([
      "run.cancel",
      "run.queue",
      "experiment.create",
      "project.create",
    ]);
    expect(page.items[1]).toMatchObject({
      targetType: "run",
      targetId: runId,
      actor: { id: staff.people.admin.userId, name: "Audited admin" },
      actorTokenId: null,
      details: { seed: 8 },
    });
  });

  it("pages and filters by exact action, action kind and target", async () => {
    const actions = (page: { items: { action: string }[] }) => page.items.map((entry) => entry.action);
    const teamId = staff.team.id;
    const first = await staff.owner.audit.list({ teamId, limit: 3 });
    const rest = await staff.owner.audit.list({ teamId, limit: 3, cursor: first.nextCursor ?? undefined });
    expect([...actions(first), ...actions(rest)]).toHaveLength(4);
    expect(rest.nextCursor).toBeNull();

    expect(actions(await staff.admin.audit.list({ teamId, action: "run.queue" }))).toEqual(["run.queue"]);
    expect(actions(await staff.admin.audit.list({ teamId, action: "run." }))).toEqual(["run.cancel", "run.queue"]);
    expect(actions(await staff.admin.audit.list({ teamId, targetId: runId }))).toEqual(["run.cancel", "run.queue"]);
    expect(actions(await staff.admin.audit.list({ teamId, targetType: "project" }))).toEqual(["project.create"]);
  });

  it("is for admins only", async () => {
    for (const caller of [staff.member, staff.viewer]) {
      const error = await rejectionOf(caller.audit.list({ teamId: staff.team.id }));
      expect(error).toMatchObject({ code: "FORBIDDEN" });
      expect(error.message).toContain("admin role");
    }
    await expectBadField(
      store,
      staff.people.admin,
      "audit.list",
      { teamId: staff.team.id, limit: 0 },
      "limit",
      "query",
    );
  });
});
