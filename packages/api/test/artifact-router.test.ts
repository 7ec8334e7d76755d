import { beforeAll, describe, expect, it } from "vitest";
import type { Actor, UserActor } from "../src/access/actor.js";
import { recordArtifact } from "../src/domain/artifacts/record-artifact.js";
import { artifactRouter } from "../src/routers/artifact-router.js";
import { createCallerFactory, router } from "../src/trpc/trpc.js";
import { expectInvalidInput, expectTrpcError } from "./expect-trpc-error.js";
import { createPerson, createTeam } from "./people.js";
import { createExperiment, createProject, createResultRow, createRun } from "./result-fixtures.js";
import { createTestDatabase } from "./test-database.js";

const { store, db } = await createTestDatabase();
const callerFor = createCallerFactory(router({ artifact: artifactRouter }));
const as = (actor: Actor) => callerFor({ store, actor }).artifact;

let member: UserActor;
let viewer: UserActor;
let outsider: UserActor;
let teamId: string;
let runId: string;
let rowId: string;

const sha = (digit: string) => digit.repeat(64);

beforeAll(async () => {
  member = await createPerson(db, "Mo Member");
  viewer = await createPerson(db, "Vic Viewer");
  outsider = await createPerson(db, "Otto Outsider");
  teamId = (
    await createTeam(db, "Edge team", [
      [member, "member"],
      [viewer, "viewer"],
    ])
  ).id;
  await createTeam(db, "Other team", [[outsider, "owner"]]);
  const project = await createProject(db, teamId);
  runId = (await createRun(db, (await createExperiment(db, project.id, member)).id)).id;
  rowId = (await createResultRow(db, runId, { bytes: 2_000 })).id;
});

/** Records metadata as the upload route would after storing the bytes. */
function record(name: string, fields: { kind?: string; sha256?: string; resultRowId?: string; actor?: Actor } = {}) {
  return recordArtifact(
    store,
    fields.actor ?? member,
    { teamId, runId },
    {
      name,
      kind: fields.kind ?? "weights",
      sizeBytes: 1234,
      sha256: fields.sha256 ?? sha("a"),
      contentType: "application/octet-stream",
      ...(fields.resultRowId === undefined ? {} : { resultRowId: fields.resultRowId }),
    },
  );
}

describe("artifact metadata", () => {
  it("lists a run's artifacts by name, page by page, filtered by kind or result row", async () => {
    await record("models/b/weights.bin", { resultRowId: rowId });
    await record("models/b/model.json", { kind: "model-json", sha256: sha("b"), resultRowId: rowId });
    await record("results.json", { kind: "results", sha256: sha("c") });
    await record("stats.json", { kind: "stats", sha256: sha("d") });

    const names: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 5; pages++) {
      const page = await as(viewer).list({ runId, limit: 3, ...(cursor ? { cursor } : {}) });
      names.push(...page.items.map((artifact) => artifact.name));
      if (page.nextCursor === null) break;
      cursor = page.nextCursor;
    }
    expect(names).toEqual(["models/b/model.json", "models/b/weights.bin", "results.json", "stats.json"]);

    const ofRow = await as(viewer).list({ runId, resultRowId: rowId });
    expect(ofRow.items.map((artifact) => artifact.name)).toEqual(["models/b/model.json", "models/b/weights.bin"]);
    const stats = await as(viewer).list({ runId, kind: "stats" });
    expect(stats.items.map((artifact) => artifact.name)).toEqual(["stats.json"]);
  });

  it("gets one artifact's metadata with its download path", async () => {
    const { artifact } = await record("log.txt", { kind: "log", sha256: sha("e") });
    expect(await as(viewer).get({ artifactId: artifact.id })).toEqual({
      id: artifact.id,
      runId,
      resultRowId: null,
      kind: "log",
      name: "log.txt",
      sizeBytes: 1234,
      sha256: sha("e"),
      contentType: "application/octet-stream",
      createdAt: expect.any(Date),
      downloadPath: `/api/artifacts/${artifact.id}`,
    });
  });

  it("records the same name and bytes once, refuses other bytes, and audits who recorded it", async () => {
    const worker: Actor = { kind: "worker", tokenId: "token-1", teamId, tokenName: "gpu-box" };
    const first = await record("by-worker.bin", { sha256: sha("f"), actor: worker });
    const again = await record("by-worker.bin", { sha256: sha("f"), actor: worker });
    expect([first.created, again.created, again.artifact.id]).toEqual([true, false, first.artifact.id]);
    await expect(record("by-worker.bin", { sha256: sha("0") })).rejects.toMatchObject({
      code: "CONFLICT",
      field: "name",
    });
    const audit = await db.auditEntry.findMany({
      where: { targetId: first.artifact.id },
      select: { action: true, actorUserId: true, actorTokenId: true, teamId: true },
    });
    expect(audit).toEqual([{ action: "artifact.upload", actorUserId: null, actorTokenId: "token-1", teamId }]);
  });

  it("answers another team's run and artifact exactly like missing ones", async () => {
    const { artifact } = await record("secret.bin", { sha256: sha("1") });
    const foreign = await expectTrpcError(as(outsider).get({ artifactId: artifact.id }), "NOT_FOUND");
    expect(foreign.message).toBe(`artifact ${artifact.id} does not exist`);
    const missing = await expectTrpcError(as(outsider).get({ artifactId: "nope" }), "NOT_FOUND");
    expect(missing.message).toBe("artifact nope does not exist");
    const foreignRun = await expectTrpcError(as(outsider).list({ runId }), "NOT_FOUND");
    expect(foreignRun.message).toBe(`run ${runId} does not exist`);
    await expectTrpcError(as({ kind: "anonymous" }).list({ runId }), "UNAUTHORIZED");
  });

  it("rejects bad input naming the field", async () => {
    await expectInvalidInput(as(viewer).list({ runId: "" }), "runId");
    await expectInvalidInput(as(viewer).list({ runId, kind: "Not A Kind" }), "kind");
    await expectInvalidInput(as(viewer).list({ runId, limit: 500 }), "limit");
    await expectInvalidInput(as(viewer).get({ artifactId: "" }), "artifactId");
    await expect(record("x.bin", { resultRowId: "someone-elses-row" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      field: "resultRowId",
    });
  });
});
