import { DEFAULT_EXPERIMENT_LIMITS, experimentConfigSchema } from "@deadweight/experiment-config";
import { beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "./test-database.js";
import {
  createCaller,
  createStaffedTeam,
  errorOverHttp,
  expectBadField,
  rejectionOf,
  smallConfig,
} from "./tracking-fixtures.js";

const { store, db } = await createTestDatabase();

describe("experiment.create", () => {
  it("stores the full validated configuration, tags, and queues one run per seed", async () => {
    const { team, people, member } = await createStaffedTeam(store, "Vision");
    const project = await member.project.create({ teamId: team.id, name: "Edge" });
    const experiment = await member.experiment.create({
      projectId: project.id,
      name: "Narrow MLP",
      description: "Does a narrow network prune as well?",
      tags: ["Edge", "mnist", "edge"],
      config: smallConfig({ seed: 100 }),
      runs: 3,
    });

    // Defaults are filled in, so what is stored is exactly what a worker will run.
    expect(experiment.config).toEqual(experimentConfigSchema.parse(smallConfig({ seed: 100 })));
    expect(experiment.config.pruning.criterion).toBe("meanStd");
    expect(experiment).toMatchObject({ dataset: "mnist", tags: ["edge", "mnist"], runCount: 3 });
    expect(experiment.runs.byStatus).toEqual({ queued: 3, running: 0, succeeded: 0, failed: 0, canceled: 0 });
    expect(experiment.runs.recent.map((run) => run.seed).sort()).toEqual([100, 101, 102]);
    expect(experiment.createdBy).toEqual({ id: people.member.userId, name: "Vision member" });

    const audit = await db.auditEntry.findFirstOrThrow({
      where: { action: "experiment.create", targetId: experiment.id },
    });
    expect(JSON.parse(audit.details)).toMatchObject({ projectId: project.id, name: "Narrow MLP" });
    expect(JSON.parse(audit.details).runIds).toHaveLength(3);
  });

  it("does not let a viewer create an experiment", async () => {
    const { team, member, viewer } = await createStaffedTeam(store, "Vision");
    const project = await member.project.create({ teamId: team.id, name: "Edge" });
    const error = await rejectionOf(viewer.experiment.create({ projectId: project.id, name: "x", config: {} }));
    expect(error.code).toBe("FORBIDDEN");
    expect(await db.experiment.count({ where: { projectId: project.id } })).toBe(0);
  });

  it("names the configuration field at fault", async () => {
    const { team, people, member } = await createStaffedTeam(store, "Vision");
    const project = await member.project.create({ teamId: team.id, name: "Edge" });
    const base = { projectId: project.id, name: "x", config: smallConfig() };
    const bad = (input: object, field: string) =>
      expectBadField(store, people.member, "experiment.create", input, field);

    const error = await bad({ ...base, config: { model: { hidden: [8, -1] } } }, "config.model.hidden[1]");
    expect(error.message).toContain("config.model.hidden[1]: Too small");
    await bad({ ...base, config: { training: { epochs: 1.5 } } }, "config.training.epochs");
    await bad({ ...base, config: { pruning: { criterion: "magic" } } }, "config.pruning.criterion");
    await bad({ ...base, config: { unknownField: 1 } }, "config");
    await bad({ ...base, runs: 11 }, "runs");
    await bad({ ...base, runs: 0 }, "runs");
    await bad({ ...base, name: "" }, "name");
    await bad({ ...base, tags: ["has space"] }, "tags[0]");
    await bad({ ...base, projectId: "" }, "projectId");
    await bad({ ...base, name: "invoice\u202Efdp.exe" }, "name");
    await bad({ ...base, name: "a\u0000b" }, "name");
    await bad({ ...base, description: "line one\nline two \u202E" }, "description");
    expect(await db.experiment.count({ where: { projectId: project.id } })).toBe(0);
  });

  it("refuses an experiment past the server's limits, naming every field and storing nothing", async () => {
    const { team, people, member } = await createStaffedTeam(store, "Vision");
    const project = await member.project.create({ teamId: team.id, name: "Edge" });
    const hostile = {
      projectId: project.id,
      name: "hostile",
      config: {
        model: { hidden: [1_000_000_000] },
        training: { epochs: 1e9, batchSize: 1e12 },
        pruning: {
          means: Array.from({ length: 120 }, (_, i) => i / 120),
          stds: Array.from({ length: 100 }, (_, i) => i / 100),
        },
        dataset: "x".repeat(1_000_000),
      },
    };
    const error = await errorOverHttp(store, people.member, "experiment.create", hostile);
    expect(error.status).toBe(400);
    expect(error.issues?.map((issue) => issue.field)).toEqual([
      "config.model.hidden[0]",
      "config.training.epochs",
      "config.training.batchSize",
      "config.pruning",
      "config.dataset",
    ]);
    expect(error.message).toContain(
      "config.model.hidden[0]: 1000000000 units in a hidden layer is more than this server allows (maxHiddenUnits: 8192)",
    );
    expect(error.message).toContain("config.pruning: 12000 thresholds in the meanStd sweep");
    // A description still may be multi-line, and a plain name is fine.
    await member.experiment.create({
      projectId: project.id,
      name: "ok",
      description: "one\ntwo\tthree",
      config: smallConfig(),
    });
    expect(await db.experiment.count({ where: { projectId: project.id } })).toBe(1);
  });

  it("applies the limits the server was given, not the defaults", async () => {
    const { team, people, member } = await createStaffedTeam(store, "Vision");
    const project = await member.project.create({ teamId: team.id, name: "Edge" });
    const strict = createCaller({
      store,
      actor: people.member,
      limits: { ...DEFAULT_EXPERIMENT_LIMITS, maxEpochs: 2 },
    });
    const error = await rejectionOf(
      strict.experiment.create({ projectId: project.id, name: "long", config: smallConfig({ epochs: 3 }) }),
    );
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.message).toBe(
      "config.training.epochs: 3 epochs is more than this server allows (maxEpochs: 2); use less, or ask the server's operator to raise maxEpochs in DEADWEIGHT_EXPERIMENT_LIMITS",
    );
    await strict.experiment.create({ projectId: project.id, name: "short", config: smallConfig({ epochs: 2 }) });
    expect(await db.experiment.count({ where: { projectId: project.id } })).toBe(1);
  });
});

describe("experiment.list and experiment.get", () => {
  let staff: Awaited<ReturnType<typeof createStaffedTeam>>;
  let projectId: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    staff = await createStaffedTeam(store, "Listing");
    projectId = (await staff.member.project.create({ teamId: staff.team.id, name: "Sweeps" })).id;
    const specs = [
      { name: "Baseline", tags: ["mnist", "baseline"], dataset: "mnist", description: "the post's setup" },
      { name: "apoz sweep", tags: ["mnist", "apoz"], dataset: "mnist", description: "zeros-based criterion" },
      { name: "CSV iris", tags: ["tabular"], dataset: "csv:iris.csv", description: "small TABULAR data" },
      { name: "deep", tags: ["mnist", "apoz", "deep"], dataset: "idx:data/fashion", description: "" },
    ];
    for (const spec of specs) {
      const experiment = await staff.member.experiment.create({
        projectId,
        name: spec.name,
        description: spec.description,
        tags: spec.tags,
        config: smallConfig({ dataset: spec.dataset }),
      });
      ids[spec.name] = experiment.id;
    }
    // "apoz sweep" has a running run; the others only queued ones.
    await db.run.updateMany({ where: { experimentId: ids["apoz sweep"] }, data: { status: "running" } });
    // Spread creation times so the date range has something to cut.
    const times = { Baseline: "2026-01-01", "apoz sweep": "2026-02-01", "CSV iris": "2026-03-01", deep: "2026-04-01" };
    for (const [name, day] of Object.entries(times)) {
      await db.experiment.update({ where: { id: ids[name] }, data: { createdAt: new Date(`${day}T12:00:00Z`) } });
    }
  });

  const names = (page: { items: { name: string }[] }) => page.items.map((item) => item.name);

  it("sorts by creation time (newest first by default) and by name, page by page", async () => {
    expect(names(await staff.viewer.experiment.list({ projectId }))).toEqual([
      "deep",
      "CSV iris",
      "apoz sweep",
      "Baseline",
    ]);
    expect(names(await staff.viewer.experiment.list({ projectId, sort: { direction: "asc" } }))).toEqual([
      "Baseline",
      "apoz sweep",
      "CSV iris",
      "deep",
    ]);

    // SQLite orders text by byte value: uppercase before lowercase.
    const byName: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await staff.viewer.experiment.list({
        projectId,
        sort: { field: "name", direction: "asc" },
        limit: 3,
        cursor,
      });
      byName.push(...names(page));
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    expect(byName).toEqual(["Baseline", "CSV iris", "apoz sweep", "deep"]);
  });

  it("filters by all of several tags, dataset, run status, text and creation date", async () => {
    const list = (filters: object) => staff.viewer.experiment.list({ projectId, ...filters }).then(names);
    expect(await list({ tags: ["mnist", "apoz"] })).toEqual(["deep", "apoz sweep"]);
    expect(await list({ tags: ["APOZ", "deep"] })).toEqual(["deep"]);
    expect(await list({ tags: ["mnist", "tabular"] })).toEqual([]);
    expect(await list({ dataset: "csv:iris.csv" })).toEqual(["CSV iris"]);
    expect(await list({ status: "running" })).toEqual(["apoz sweep"]);
    expect(await list({ status: "queued" })).toEqual(["deep", "CSV iris", "Baseline"]);
    expect(await list({ search: "tabular" })).toEqual(["CSV iris"]);
    expect(await list({ search: "SWEEP" })).toEqual(["apoz sweep"]);
    expect(await list({ created: { from: "2026-01-15T00:00:00Z", to: "2026-03-15T00:00:00Z" } })).toEqual([
      "CSV iris",
      "apoz sweep",
    ]);
    expect(await list({ created: { from: new Date("2026-03-01T12:00:00Z") } })).toEqual(["deep", "CSV iris"]);
  });

  it("rejects a date range that ends before it starts, naming the field", async () => {
    const range = { from: "2026-02-01T00:00:00Z", to: "2026-01-01T00:00:00Z" };
    const error = await expectBadField(
      store,
      staff.people.viewer,
      "experiment.list",
      { projectId, created: range },
      "created.to",
      "query",
    );
    expect(error.message).toContain("created.to: must not be before `from`");
  });

  it("gets one experiment with its configuration and a summary of its runs", async () => {
    const experimentId = ids["apoz sweep"] ?? "";
    await staff.member.run.queue({ experimentId });
    const experiment = await staff.viewer.experiment.get({ experimentId });
    expect(experiment).toMatchObject({ name: "apoz sweep", tags: ["apoz", "mnist"], runCount: 2 });
    expect(experiment.runs.byStatus).toMatchObject({ running: 1, queued: 1 });
    expect(experiment.runs.recent.map((run) => run.status)).toEqual(["queued", "running"]);
    expect(experiment.latestRun?.status).toBe("queued");
    expect(experiment.config.model.hidden).toEqual([8, 4]);
  });
});
