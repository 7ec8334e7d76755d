import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { forgettingPeopleAfter } from "../src/access/access-cache.js";
import type { UserActor, WorkerActor } from "../src/access/actor.js";
import {
  accessArtifact,
  accessArtifactAsWorker,
  accessExperiment,
  accessProject,
  accessResultRow,
  accessRun,
  accessRunAsWorker,
} from "../src/access/owned-objects.js";
import {
  type CompareRunsInput,
  compareRuns,
  compareRunsInput,
  MAX_COMPARED_RUNS,
} from "../src/domain/compare/compare-runs.js";
import {
  type ListExperimentsInput,
  listExperiments,
  listExperimentsInput,
} from "../src/domain/experiments/list-experiments.js";
import { getRunResults } from "../src/domain/results/get-run-results.js";
import { recordRunResults } from "../src/domain/results/record-run-results.js";
import { RUN_STATUSES } from "../src/domain/runs/run-status.js";
import { createPerson, createTeam } from "./people.js";
import {
  compareRunsWithPrisma,
  getRunResultsWithPrisma,
  listExperimentsWithPrisma,
  ownerWithPrisma,
} from "./prisma-reference-reads.js";
import { createTestDatabase, TEST_STORE } from "./test-database.js";
import { rejectionOf, runResultsFixture, smallConfig, sweepRowsFixture } from "./tracking-fixtures.js";

// experiment.list, result.rows, compare.runs and the access checks read through the typed read path
// (Kysely) instead of Prisma. Their types come from the schema; their meaning (every filter, sort,
// cursor and decoded value) is checked here against the Prisma queries they replaced
// (prisma-reference-reads.ts) on the same database: equal values (Dates as Dates, booleans, nulls)
// and the same JSON a client gets.

// A zone far from UTC, so a stored time read as local time instead of UTC cannot pass unnoticed.
process.env.TZ = "Pacific/Chatham";

const { store, db } = await createTestDatabase();

let viewer: UserActor;
let outsider: UserActor;
let projectId: string;
let otherProjectId: string;
const experimentIds: string[] = [];
const runIds: string[] = [];
let foreignRunId: string;
let foreignExperimentId: string;

/** A small deterministic generator, so a failure names a reproducible case. */
function randomSequence(seed: number) {
  let state = seed;
  const next = () => {
    state = (state * 1664525 + 1013904223) % 4294967296;
    return state / 4294967296;
  };
  return {
    next,
    pick: <T>(items: readonly T[]) => items[Math.floor(next() * items.length)] as T,
  };
}

const NAMES = ["Alpha", "alpha", "beta", "Beta", "beta", "wide_net", "wide-net", "100% sparse", "Gamma", "delta"];
const DESCRIPTIONS = ["", "prunes EDGE models", "uses 50% fewer neurons", "plain", "Äpfel und Birnen"];
const DATASETS = ["mnist", "csv:iris.csv", "idx:data/fashion"];
const TAG_SETS = [[], ["mnist"], ["mnist", "edge"], ["edge"], ["apoz", "edge", "mnist"], ["tabular"]];
// Repeated days give equal creation times, so ties are broken by id.
const CREATED_DAYS = ["2026-01-01", "2026-01-01", "2026-02-15", "2026-03-01", "2026-03-01", "2026-04-10"];

beforeAll(async () => {
  const owner = await createPerson(db, "Equivalence owner");
  const creator = await createPerson(db, "Second creator");
  viewer = await createPerson(db, "Equivalence viewer");
  const team = await createTeam(db, "Equivalence", [
    [owner, "owner"],
    [creator, "member"],
    [viewer, "viewer"],
  ]);
  outsider = await createPerson(db, "Outsider");
  const foreignTeam = await createTeam(db, "Foreign", [[outsider, "owner"]]);
  const project = async (teamId: string, name: string) =>
    (await db.project.create({ data: { teamId, name, slug: `${name}-${randomUUID().slice(0, 6)}` } })).id;
  projectId = await project(team.id, "main");
  otherProjectId = await project(team.id, "other");
  const foreignProjectId = await project(foreignTeam.id, "theirs");

  const random = randomSequence(7);
  for (let i = 0; i < 24; i++) {
    const inOtherProject = i % 8 === 7;
    const experiment = await db.experiment.create({
      data: {
        projectId: inOtherProject ? otherProjectId : projectId,
        name: NAMES[i % NAMES.length] as string,
        description: DESCRIPTIONS[i % DESCRIPTIONS.length] as string,
        dataset: DATASETS[i % DATASETS.length] as string,
        config: JSON.stringify(smallConfig({ hidden: [8 + (i % 3) * 8, 4], epochs: 1 + (i % 2), seed: i })),
        createdById: (i % 3 === 0 ? creator : owner).userId,
        createdAt: new Date(`${CREATED_DAYS[i % CREATED_DAYS.length]}T12:00:00.000Z`),
        tags: { create: (TAG_SETS[i % TAG_SETS.length] as string[]).map((tag) => ({ tag })) },
      },
    });
    experimentIds.push(experiment.id);
    // 0 to 4 runs: some experiments have none (no latest run); the last two share their queue time,
    // so which one is the latest is decided by id.
    const runCount = i % 5;
    const queuedAt = new Date(`2026-05-0${1 + (i % 3)}T08:00:00.000Z`);
    for (let r = 0; r < runCount; r++) {
      const status = random.pick(RUN_STATUSES);
      const started = status !== "queued";
      const run = await db.run.create({
        data: {
          experimentId: experiment.id,
          seed: r === 1 ? null : i * 10 + r,
          status,
          attempt: started ? 1 + (r % 2) : 0,
          stage: started ? "sweep" : null,
          queuedAt: new Date(queuedAt.getTime() + Math.min(r, runCount - 2) * 60_000),
          startedAt: started ? new Date(queuedAt.getTime() + 1000) : null,
          finishedAt: status === "succeeded" || status === "failed" ? new Date(queuedAt.getTime() + 5000) : null,
        },
      });
      runIds.push(run.id);
    }
  }
  // Results on most runs (the fixture has an "emptied-layer" row with null accuracies and a note),
  // with the numbers varied per run; one run keeps null base metrics and no rows.
  for (const [k, runId] of runIds.entries()) {
    if (k === 0) continue;
    const rows = sweepRowsFixture().map((row, j) => ({
      ...row,
      bytes: row.bytes + k * 10 + (j === 1 ? 100 : 0),
      parameters: row.parameters + k,
      pareto: j % 2 === 0,
      ...(k % 4 === 1 && row.validationAccuracy !== null ? { validationAccuracy: 1 } : {}),
    }));
    await recordRunResults(store, runId, runResultsFixture(rows));
  }
  // A measured row missing one accuracy: not a point compare can plot.
  await db.resultRow.updateMany({ where: { runId: runIds[2], rowKey: "mid" }, data: { testAccuracy: null } });
  // Times in the other forms a DateTime column can hold: SQLite's CURRENT_TIMESTAMP text (rows
  // written by SQL defaults), a bare date, and epoch milliseconds.
  if (TEST_STORE === "sqlite") {
    // Forms Prisma never writes but reads (SQL text, a bare date, epoch milliseconds): rows written by
    // SQL defaults or other tools hold them.
    await db.$executeRawUnsafe(
      `UPDATE "Experiment" SET "createdAt" = '2026-02-15 12:00:00' WHERE "id" = ?`,
      experimentIds[2] as string,
    );
    await db.$executeRawUnsafe(`UPDATE "Experiment" SET "updatedAt" = '2026-03-02' WHERE "id" = ?`, experimentIds[3]);
    await db.$executeRawUnsafe(
      `UPDATE "Run" SET "startedAt" = 1777536000000, "finishedAt" = '2026-05-01 08:00:05.250' WHERE "id" = ?`,
      runIds[runIds.length - 1] as string,
    );
  } else {
    // PostgreSQL has one form (TIMESTAMP): the same instants.
    await db.experiment.update({
      where: { id: experimentIds[2] as string },
      data: { createdAt: new Date("2026-02-15T12:00:00Z") },
    });
    await db.experiment.update({
      where: { id: experimentIds[3] as string },
      data: { updatedAt: new Date("2026-03-02T00:00:00Z") },
    });
    await db.run.update({
      where: { id: runIds[runIds.length - 1] as string },
      data: { startedAt: new Date(1777536000000), finishedAt: new Date("2026-05-01T08:00:05.250Z") },
    });
  }

  const foreignExperiment = await db.experiment.create({
    data: { projectId: foreignProjectId, name: "theirs", dataset: "mnist", config: "{}", createdById: outsider.userId },
  });
  foreignExperimentId = foreignExperiment.id;
  foreignRunId = (await db.run.create({ data: { experimentId: foreignExperiment.id } })).id;
});

/** Both implementations agree on the value and on the JSON sent over HTTP. */
function expectSame(actual: unknown, reference: unknown) {
  expect(actual).toStrictEqual(reference);
  expect(JSON.stringify(actual)).toBe(JSON.stringify(reference));
}

/** Walks every page of a listing with both implementations, comparing each page. */
async function expectSameListing(raw: Record<string, unknown>): Promise<number> {
  let cursor: string | undefined;
  let pages = 0;
  let seen = 0;
  do {
    const input: ListExperimentsInput = listExperimentsInput.parse({
      ...raw,
      projectId,
      ...(cursor === undefined ? {} : { cursor }),
    });
    const [actual, reference] = await Promise.all([
      listExperiments(store, viewer, input),
      listExperimentsWithPrisma(store, viewer, input),
    ]);
    expectSame(actual, reference);
    seen += actual.items.length;
    cursor = actual.nextCursor ?? undefined;
    pages++;
    expect(pages).toBeLessThan(30);
  } while (cursor !== undefined);
  return seen;
}

const SORTS = (["createdAt", "name"] as const).flatMap((field) =>
  (["asc", "desc"] as const).map((direction) => ({ field, direction })),
);

/** Each filter on its own, with values that match several, one or no experiments. */
const SINGLE_FILTERS: Record<string, unknown>[] = [
  {},
  { tags: ["mnist"] },
  { tags: ["mnist", "edge"] },
  { tags: ["edge", "apoz"] },
  { tags: ["EDGE"] },
  { tags: ["nope"] },
  { dataset: "mnist" },
  { dataset: "csv:iris.csv" },
  { dataset: "nope" },
  ...RUN_STATUSES.map((status) => ({ status })),
  { search: "alpha" },
  { search: "EDGE" },
  { search: "50%" },
  { search: "_" },
  { search: "wide_net" },
  { search: "%" },
  { search: "äpfel" },
  { search: "zzz" },
  { created: { from: "2026-02-15T12:00:00.000Z" } },
  { created: { to: "2026-03-01T12:00:00.000Z" } },
  { created: { from: "2026-01-01T12:00:00.000Z", to: "2026-03-01T12:00:00.000Z" } },
  { created: { from: "2026-02-15T00:00:00+02:00", to: "2026-02-16T00:00:00Z" } },
];

/** One representative value per filter, for combining them. */
const COMBINABLE: Record<string, unknown> = {
  tags: ["edge"],
  dataset: "mnist",
  status: "succeeded",
  search: "a",
  created: { from: "2026-02-15T12:00:00.000Z" },
};

describe("experiment.list on the read path", () => {
  for (const sort of SORTS) {
    it(`matches Prisma for every single filter, page by page (${sort.field} ${sort.direction})`, async () => {
      for (const filter of SINGLE_FILTERS) {
        for (const limit of [1, 3, 100]) await expectSameListing({ ...filter, sort, limit });
      }
    });

    it(`matches Prisma for every combination of filters (${sort.field} ${sort.direction})`, async () => {
      const kinds = Object.keys(COMBINABLE);
      for (let mask = 0; mask < 1 << kinds.length; mask++) {
        const filter = Object.fromEntries(
          kinds.filter((_, bit) => (mask >> bit) & 1).map((kind) => [kind, COMBINABLE[kind]]),
        );
        await expectSameListing({ ...filter, sort, limit: 2 });
      }
    });
  }

  it("lists every experiment of the project exactly once across pages", async () => {
    const seen = await expectSameListing({ sort: { field: "name", direction: "asc" }, limit: 4 });
    expect(seen).toBe(await db.experiment.count({ where: { projectId } }));
  });

  it("treats odd cursors as the reference does: unknown, from another project, or outside the filter", async () => {
    const other = await db.experiment.findFirstOrThrow({ where: { projectId: otherProjectId } });
    const excluded = await db.experiment.findFirstOrThrow({
      where: { projectId, NOT: { tags: { some: { tag: "mnist" } } } },
    });
    const cursors = ["no-such-experiment", other.id, excluded.id, foreignExperimentId];
    for (const sort of SORTS) {
      for (const cursor of cursors) {
        const input = listExperimentsInput.parse({ projectId, sort, tags: ["mnist"], cursor, limit: 5 });
        expectSame(await listExperiments(store, viewer, input), await listExperimentsWithPrisma(store, viewer, input));
      }
    }
  });

  it("continues right after a cursor whose experiment no longer matches the filters, skipping nothing", async () => {
    // A project of its own, so changing a tag here cannot disturb the other tests.
    const teamId = (await db.project.findUniqueOrThrow({ where: { id: projectId } })).teamId;
    const own = await db.project.create({
      data: { teamId, name: "cursor", slug: `cursor-${randomUUID().slice(0, 6)}` },
    });
    const names = ["c1", "c2", "c3", "c4", "c5"];
    const ids: string[] = [];
    for (const name of names) {
      const experiment = await db.experiment.create({
        data: {
          projectId: own.id,
          name,
          dataset: "mnist",
          config: "{}",
          createdById: viewer.userId,
          tags: { create: [{ tag: "kept" }] },
        },
      });
      ids.push(experiment.id);
    }
    const page = (cursor?: string) =>
      listExperiments(
        store,
        viewer,
        listExperimentsInput.parse({
          projectId: own.id,
          tags: ["kept"],
          sort: { field: "name", direction: "asc" },
          limit: 2,
          cursor,
        }),
      );
    const first = await page();
    expect(first.items.map((item) => item.name)).toEqual(["c1", "c2"]);
    // The last experiment of the first page leaves the filter before the next page is asked for.
    await db.experimentTag.delete({ where: { experimentId_tag: { experimentId: ids[1] as string, tag: "kept" } } });
    const second = await page(first.nextCursor ?? undefined);
    expect(second.items.map((item) => item.name)).toEqual(["c3", "c4"]);
    const third = await page(second.nextCursor ?? undefined);
    expect(third).toEqual({ items: [expect.objectContaining({ name: "c5" })], nextCursor: null });
  });

  it("matches % and _ in the search literally, not as wildcards", async () => {
    const search = async (text: string) =>
      (await listExperiments(store, viewer, listExperimentsInput.parse({ projectId, search: text, limit: 100 }))).items;
    const underscore = await search("_");
    expect(underscore.length).toBeGreaterThan(0);
    expect(underscore.every((item) => item.name === "wide_net")).toBe(true);
    expect((await search("wide_net")).map((item) => item.name)).toEqual(underscore.map((item) => item.name));
    const percent = await search("%");
    expect(percent.length).toBeGreaterThan(0);
    expect(percent.every((item) => `${item.name} ${item.description}`.includes("%"))).toBe(true);
    expect((await search("50%")).every((item) => item.description === "uses 50% fewer neurons")).toBe(true);
    expect(await search("0%f")).toEqual([]);
    expect(await search("\\")).toEqual([]);
    // ASCII case is still ignored.
    expect((await search("WIDE_NET")).map((item) => item.id)).toEqual(underscore.map((item) => item.id));
  });

  it("decodes dates stored as SQL text, bare dates and epoch milliseconds as Prisma does", async () => {
    const input = listExperimentsInput.parse({ projectId, limit: 100 });
    const page = await listExperiments(store, viewer, input);
    const byId = new Map(page.items.map((item) => [item.id, item]));
    expect(byId.get(experimentIds[2] as string)?.createdAt).toEqual(new Date("2026-02-15T12:00:00.000Z"));
    expect(byId.get(experimentIds[3] as string)?.updatedAt).toEqual(new Date("2026-03-02T00:00:00.000Z"));
    expectSame(page, await listExperimentsWithPrisma(store, viewer, input));
  });

  it("still refuses a project of another team before reading anything", async () => {
    const input = listExperimentsInput.parse({ projectId });
    const error = await rejectionOf(listExperiments(store, outsider, input));
    expect(error).toMatchObject({ code: "NOT_FOUND", message: `project ${projectId} does not exist` });
  });
});

describe("result.rows on the read path", () => {
  it("matches Prisma for every run: rows, nulls, notes, booleans and base metrics", async () => {
    for (const runId of runIds) {
      expectSame(
        await getRunResults(store, viewer, { runId }),
        await getRunResultsWithPrisma(store, viewer, { runId }),
      );
    }
    const withoutResults = await getRunResults(store, viewer, { runId: runIds[0] as string });
    expect(withoutResults).toEqual({ runId: runIds[0], base: null, rows: [] });
    const recorded = await getRunResults(store, viewer, { runId: runIds[1] as string });
    expect(recorded.rows.map((row) => row.pareto)).toEqual([true, false, true, false, true]);
    expect(recorded.rows.at(-1)).toMatchObject({ validationAccuracy: null, latencyMsPerSample: null });
    expect(recorded.rows.at(-1)?.note).toContain("removes every neuron");
  });

  it("still refuses another team's run", async () => {
    const error = await rejectionOf(getRunResults(store, viewer, { runId: foreignRunId }));
    expect(error).toMatchObject({ code: "NOT_FOUND", message: `run ${foreignRunId} does not exist` });
  });
});

describe("compare.runs on the read path", () => {
  const compareBoth = async (raw: { runIds: string[]; size?: string; points?: string }) => {
    const input: CompareRunsInput = compareRunsInput.parse(raw);
    expectSame(await compareRuns(store, viewer, input), await compareRunsWithPrisma(store, viewer, input));
  };

  it("matches Prisma on random selections of up to 200 runs, on both size axes, frontier or all points", async () => {
    const random = randomSequence(11);
    for (let trial = 0; trial < 40; trial++) {
      const count = trial === 0 ? Math.min(MAX_COMPARED_RUNS, runIds.length) : 1 + Math.floor(random.next() * 20);
      const chosen = new Set<string>();
      while (chosen.size < count) chosen.add(random.pick(runIds));
      await compareBoth({
        runIds: [...chosen],
        size: random.pick(["bytes", "parameters"]),
        points: random.pick(["frontier", "all"]),
      });
    }
  });

  it("covers runs without a seed, without base metrics and without rows", async () => {
    const withoutSeed = await db.run.findFirstOrThrow({ where: { id: { in: runIds }, seed: null } });
    await compareBoth({ runIds: [runIds[0] as string, withoutSeed.id, runIds[3] as string] });
    await compareBoth({ runIds: [runIds[0] as string], size: "parameters" });
  });

  it("names the same first unreadable run, whether missing or another team's", async () => {
    const cases = [
      [runIds[1] as string, "missing-run", foreignRunId],
      [runIds[1] as string, foreignRunId, "missing-run"],
    ];
    for (const ids of cases) {
      const input = compareRunsInput.parse({ runIds: ids });
      const actual = await rejectionOf(compareRuns(store, viewer, input));
      const reference = await rejectionOf(compareRunsWithPrisma(store, viewer, input));
      expect(actual).toMatchObject({ code: reference.code, message: reference.message });
      expect(actual.message).toBe(`run ${ids[1]} does not exist`);
    }
  });
});

describe("access checks on the read path", () => {
  it("find the same owners as Prisma for every kind of object, and NOT_FOUND for missing or foreign ones", async () => {
    const team = await db.project.findUniqueOrThrow({ where: { id: projectId }, select: { teamId: true } });
    const worker: WorkerActor = { kind: "worker", tokenId: "t", teamId: team.teamId, tokenName: "w" };
    const resultRows = await db.resultRow.findMany({
      where: { runId: { in: runIds } },
      select: { id: true, runId: true },
    });
    const artifact = await db.artifact.create({
      data: {
        runId: runIds[1] as string,
        resultRowId: resultRows[0]?.id ?? null,
        kind: "model",
        name: "model.json",
        sizeBytes: 3,
        sha256: "0".repeat(64),
        contentType: "application/json",
      },
    });
    const role = "viewer";
    const cases = [
      ...[projectId, otherProjectId].map(
        (id) => ["project", id, () => accessProject(store, viewer, id, role)] as const,
      ),
      ...experimentIds.map((id) => ["experiment", id, () => accessExperiment(store, viewer, id, role)] as const),
      ...runIds.map((id) => ["run", id, () => accessRun(store, viewer, id, role)] as const),
      ...resultRows
        .slice(0, 20)
        .map(({ id }) => ["result-row", id, () => accessResultRow(store, viewer, id, role)] as const),
      ["artifact", artifact.id, () => accessArtifact(store, viewer, artifact.id, role)] as const,
    ];
    for (const [kind, id, access] of cases) {
      const owner = await ownerWithPrisma(store, kind, id);
      expect(owner).not.toBeNull();
      const idField = {
        project: "projectId",
        experiment: "experimentId",
        run: "runId",
        "result-row": "resultRowId",
        artifact: "artifactId",
      }[kind];
      expect(await access()).toStrictEqual({ ...owner, [idField]: id, role });
    }
    for (const id of runIds.slice(0, 5)) {
      const owner = await ownerWithPrisma(store, "run", id);
      expect(await accessRunAsWorker(store, worker, id)).toStrictEqual({ ...owner, runId: id });
    }
    expect(await accessArtifactAsWorker(store, worker, artifact.id)).toStrictEqual({
      ...(await ownerWithPrisma(store, "artifact", artifact.id)),
      artifactId: artifact.id,
    });

    const refusals = [
      [() => accessRun(store, viewer, foreignRunId, role), `run ${foreignRunId} does not exist`],
      [() => accessRun(store, viewer, "missing-run", role), "run missing-run does not exist"],
      [
        () => accessExperiment(store, viewer, foreignExperimentId, role),
        `experiment ${foreignExperimentId} does not exist`,
      ],
      [() => accessProject(store, viewer, "missing-project", role), "project missing-project does not exist"],
      [() => accessResultRow(store, viewer, "missing-row", role), "result row missing-row does not exist"],
      [() => accessArtifact(store, viewer, "missing-artifact", role), "artifact missing-artifact does not exist"],
      [() => accessRunAsWorker(store, worker, foreignRunId), `run ${foreignRunId} does not exist`],
      [() => accessRun(store, viewer, runIds[0] as string, "member"), "this needs the member role or higher"],
    ] as const;
    for (const [access, message] of refusals) {
      expect((await rejectionOf(access())).message).toContain(message);
    }
  });

  it("see a membership change on the very next check", async () => {
    const runId = runIds[3] as string;
    const { teamId } = await accessRun(store, viewer, runId, "viewer");
    // As the team's domain functions change a role: through Prisma, then the cache forgets people.
    const setRole = (role: string) =>
      forgettingPeopleAfter(store.changes, () =>
        db.membership.update({ where: { teamId_userId: { teamId, userId: viewer.userId } }, data: { role } }),
      );
    await setRole("member");
    expect((await accessRun(store, viewer, runId, "member")).role).toBe("member");
    await setRole("viewer");
    expect((await rejectionOf(accessRun(store, viewer, runId, "member"))).code).toBe("FORBIDDEN");
  });
});

describe("reads after writes", () => {
  it("sees each write made through Prisma on the very next read", async () => {
    const runId = runIds[5] as string;
    const experimentId = (await db.run.findUniqueOrThrow({ where: { id: runId } })).experimentId;
    for (let round = 0; round < 10; round++) {
      const status = RUN_STATUSES[round % RUN_STATUSES.length] as (typeof RUN_STATUSES)[number];
      await db.run.update({ where: { id: runId }, data: { status, queuedAt: new Date(Date.UTC(2027, 0, 1, round)) } });
      await db.experiment.update({ where: { id: experimentId }, data: { name: `renamed ${round}` } });
      await db.resultRow.updateMany({ where: { runId, rowKey: "mid" }, data: { bytes: 1000 + round } });
      // What the API's own writes of results do after committing (recordResults, recordDeployment).
      store.changes.publish({ kind: "run-results", runId });

      const page = await listExperiments(
        store,
        viewer,
        listExperimentsInput.parse({ projectId, search: `renamed ${round}` }),
      );
      expect(page.items.map((item) => item.id)).toEqual([experimentId]);
      expect(page.items[0]?.latestRun).toMatchObject({ id: runId, status });
      const results = await getRunResults(store, viewer, { runId });
      expect(results.rows.find((row) => row.rowKey === "mid")?.bytes).toBe(1000 + round);
      const comparison = await compareRuns(store, viewer, compareRunsInput.parse({ runIds: [runId], points: "all" }));
      expect(comparison.runs[0]?.status).toBe(status);
      expect(comparison.series[0]?.points.sizes).toContain(1000 + round);
    }
  });

  it("reuses a run's trade-off points until that run's results change", async () => {
    const runId = runIds[6] as string;
    const input = compareRunsInput.parse({ runIds: [runId, runIds[7] as string], points: "all" });
    const first = await compareRuns(store, viewer, input);
    const again = await compareRuns(store, viewer, input);
    // Shared, not rebuilt, and frozen so that no caller can change what the next one gets.
    expect(again.series[0]?.points).toBe(first.series[0]?.points);
    expect(Object.isFrozen(first.series[0]?.points.sizes)).toBe(true);
    // The frontier cut comes from the same cached entry.
    const frontierInput = compareRunsInput.parse({ runIds: [runId, runIds[7] as string] });
    const frontierFirst = await compareRuns(store, viewer, frontierInput);
    expect((await compareRuns(store, viewer, frontierInput)).series[0]?.points).toBe(frontierFirst.series[0]?.points);

    // Written around the API, as another program would: nothing tells the cache, so until the entry
    // expires (TradeOffPointsCache.TTL_MS) compare still answers what it read.
    await db.resultRow.updateMany({ where: { runId, rowKey: "mid" }, data: { bytes: 7 } });
    expect((await compareRuns(store, viewer, input)).series[0]?.points).toBe(first.series[0]?.points);
    // The change every write of a run's results publishes: the next compare reads the run again.
    store.changes.publish({ kind: "run-results", runId });
    const afterWrite = await compareRuns(store, viewer, input);
    expect([afterWrite.series[0]?.points.rowKeys[0], afterWrite.series[0]?.points.sizes[0]]).toEqual(["mid", 7]);
    expect((await compareRuns(store, viewer, frontierInput)).series[0]?.points).not.toBe(
      frontierFirst.series[0]?.points,
    );
    // The other run's points were not touched.
    expect(afterWrite.series[1]?.points).toBe(first.series[1]?.points);
    expectSame(afterWrite, await compareRunsWithPrisma(store, viewer, input));
  });

  it("sees experiments created and deleted through Prisma", async () => {
    const created = await db.experiment.create({
      data: { projectId, name: "fresh", dataset: "mnist", config: "{}", createdById: viewer.userId },
    });
    const listed = async () =>
      (await listExperiments(store, viewer, listExperimentsInput.parse({ projectId, search: "fresh" }))).items;
    expect((await listed()).map((item) => item.id)).toEqual([created.id]);
    await db.experiment.delete({ where: { id: created.id } });
    expect(await listed()).toEqual([]);
  });
});
