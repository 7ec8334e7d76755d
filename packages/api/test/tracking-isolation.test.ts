import { beforeAll, describe, expect, it } from "vitest";
import type { UserActor } from "../src/access/actor.js";
import { recordRunResults } from "../src/domain/results/record-run-results.js";
import { createPerson } from "./people.js";
import { createTestDatabase } from "./test-database.js";
import { callerFor, createStaffedTeam, rejectionOf, runResultsFixture, smallConfig } from "./tracking-fixtures.js";

const { store, db } = await createTestDatabase();

/** Team B's objects, which members of team A must not be able to tell apart from missing ones. */
const theirs = { teamId: "", projectId: "", experimentId: "", runId: "" };
let ownRunId = "";
let outsider: ReturnType<typeof callerFor>;
let outsiderAdmin: ReturnType<typeof callerFor>;
let scopedToken: ReturnType<typeof callerFor>;

beforeAll(async () => {
  const a = await createStaffedTeam(store, "Team A");
  const b = await createStaffedTeam(store, "Team B");
  outsider = a.member;
  outsiderAdmin = a.owner;
  const project = await b.member.project.create({ teamId: b.team.id, name: "Secret" });
  const experiment = await b.member.experiment.create({ projectId: project.id, name: "E", config: smallConfig() });
  Object.assign(theirs, {
    teamId: b.team.id,
    projectId: project.id,
    experimentId: experiment.id,
    runId: experiment.runs.recent[0]?.id,
  });
  await recordRunResults(store, theirs.runId, runResultsFixture());
  const ownProject = await a.member.project.create({ teamId: a.team.id, name: "Own" });
  ownRunId =
    (await a.member.experiment.create({ projectId: ownProject.id, name: "E", config: smallConfig() })).runs.recent[0]
      ?.id ?? "";

  // A person in both teams, calling with a user API token scoped to team A.
  const both: UserActor = await createPerson(db, "Both");
  await db.membership.createMany({
    data: [
      { teamId: a.team.id, userId: both.userId, role: "admin" },
      { teamId: b.team.id, userId: both.userId, role: "admin" },
    ],
  });
  scopedToken = callerFor(store, { ...both, tokenId: "token-a", tokenTeamId: a.team.id });
});

/** Every read and write of this part of the API on team B's objects. */
function everyCall(caller: ReturnType<typeof callerFor>): Array<[string, () => Promise<unknown>]> {
  return [
    ["project.create", () => caller.project.create({ teamId: theirs.teamId, name: "Intruder" })],
    ["project.list", () => caller.project.list({ teamId: theirs.teamId })],
    ["project.get", () => caller.project.get({ projectId: theirs.projectId })],
    [
      "experiment.create",
      () => caller.experiment.create({ projectId: theirs.projectId, name: "Intruder", config: smallConfig() }),
    ],
    ["experiment.list", () => caller.experiment.list({ projectId: theirs.projectId })],
    ["experiment.get", () => caller.experiment.get({ experimentId: theirs.experimentId })],
    ["run.queue", () => caller.run.queue({ experimentId: theirs.experimentId })],
    ["run.list (team)", () => caller.run.list({ teamId: theirs.teamId })],
    ["run.list (project)", () => caller.run.list({ projectId: theirs.projectId })],
    ["run.list (experiment)", () => caller.run.list({ experimentId: theirs.experimentId })],
    ["run.get", () => caller.run.get({ runId: theirs.runId })],
    ["run.cancel", () => caller.run.cancel({ runId: theirs.runId })],
    ["result.rows", () => caller.result.rows({ runId: theirs.runId })],
    ["result.layerStats", () => caller.result.layerStats({ runId: theirs.runId })],
    ["compare.runs", () => caller.compare.runs({ runIds: [ownRunId, theirs.runId] })],
    ["audit.list", () => caller.audit.list({ teamId: theirs.teamId })],
  ];
}

describe("another team's objects", () => {
  it("are NOT_FOUND for every read and write by a member of another team", async () => {
    for (const [name, call] of everyCall(outsider)) {
      const error = await rejectionOf(call());
      expect({ name, code: error.code }).toEqual({ name, code: "NOT_FOUND" });
      expect(error.message).toMatch(/ does not exist$/);
    }
  });

  it("are NOT_FOUND for an owner of another team, and through a token scoped to another team", async () => {
    for (const caller of [outsiderAdmin, scopedToken]) {
      for (const [name, call] of everyCall(caller)) {
        expect({ name, code: (await rejectionOf(call())).code }).toEqual({ name, code: "NOT_FOUND" });
      }
    }
  });

  it("answer exactly as a missing object does", async () => {
    const missing = await rejectionOf(outsider.run.get({ runId: "does-not-exist" }));
    const foreign = await rejectionOf(outsider.run.get({ runId: theirs.runId }));
    expect(foreign.message.replace(theirs.runId, "<id>")).toBe(missing.message.replace("does-not-exist", "<id>"));
  });

  it("are left untouched", async () => {
    expect(await db.project.count({ where: { teamId: theirs.teamId } })).toBe(1);
    expect(await db.experiment.count({ where: { projectId: theirs.projectId } })).toBe(1);
    expect(await db.run.findMany({ where: { experimentId: theirs.experimentId }, select: { status: true } })).toEqual([
      { status: "queued" },
    ]);
    const audit = await db.auditEntry.findMany({ where: { teamId: theirs.teamId }, select: { action: true } });
    expect(audit.map((entry) => entry.action).sort()).toEqual(["experiment.create", "project.create"]);
  });
});
