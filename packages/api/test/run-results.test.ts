import { runResultsInput } from "@deadweight/protocol";
import { describe, expect, it } from "vitest";
import { decodeLayerStats, encodeLayerStats } from "../src/domain/results/layer-stats-encoding.js";
import { recordRunResults } from "../src/domain/results/record-run-results.js";
import { AppError } from "../src/errors/app-error.js";
import { createTestDatabase } from "./test-database.js";
import {
  activationStatsFixture,
  createStaffedTeam,
  runResultsFixture,
  smallConfig,
  sweepRowsFixture,
} from "./tracking-fixtures.js";

const { store, db } = await createTestDatabase();

async function queuedRun() {
  const staff = await createStaffedTeam(store, "Results");
  const project = await staff.member.project.create({ teamId: staff.team.id, name: "P" });
  const experiment = await staff.member.experiment.create({ projectId: project.id, name: "E", config: smallConfig() });
  return { staff, runId: experiment.runs.recent[0]?.id ?? "" };
}

describe("recordRunResults", () => {
  it("stores one row per threshold with every field, read back in sweep order", async () => {
    const { staff, runId } = await queuedRun();
    const rows = sweepRowsFixture();
    await recordRunResults(store, runId, runResultsFixture(rows));

    const results = await staff.viewer.result.rows({ runId });
    expect(results.base).toEqual(runResultsFixture().base);
    expect(results.rows.map((row) => row.rowKey)).toEqual(["full", "dominated", "mid", "small", "emptied"]);
    results.rows.forEach((stored, i) => {
      const { id: rowKey, note, ...fields } = rows[i] as (typeof rows)[number];
      expect(stored).toMatchObject({ rowKey, position: i, runId, note: note ?? null });
      for (const [key, value] of Object.entries(fields)) {
        const read = stored[key as keyof typeof stored];
        // Prisma rounds Float parameters to ~15 significant digits on write (prisma/prisma#11096),
        // so a computed drop like 1.0000000000000009 reads back as 1.000000000000001.
        if (typeof value === "number") expect(read).toBeCloseTo(value, 12);
        else expect(read).toEqual(value);
      }
    });
    expect(results.rows[4]).toMatchObject({
      status: "emptied-layer",
      note: "removes every neuron of hidden layer 1",
      validationAccuracy: null,
      latencyMsPerSample: null,
      threshold: { kind: "meanStd", mean: 0.5, std: 0.4 },
      keptNeurons: [1, 0],
    });
  });

  it("is idempotent: recording the same run twice updates, never duplicates", async () => {
    const { staff, runId } = await queuedRun();
    await recordRunResults(store, runId, runResultsFixture(sweepRowsFixture(), activationStatsFixture()));
    const retried = sweepRowsFixture().map((row) => (row.id === "mid" ? { ...row, latencyMsPerSample: 0.5 } : row));
    const outcome = await recordRunResults(store, runId, runResultsFixture(retried, activationStatsFixture()));
    expect(outcome).toEqual({ runId, rowCount: 5, layerCount: 2 });

    expect(await db.resultRow.count({ where: { runId } })).toBe(5);
    expect(await db.runLayerStats.count({ where: { runId } })).toBe(2);
    const rows = (await staff.viewer.result.rows({ runId })).rows;
    expect(rows.find((row) => row.rowKey === "mid")?.latencyMsPerSample).toBe(0.5);
  });

  it("round-trips layer statistics at float32 precision and histogram counts exactly", async () => {
    const { staff, runId } = await queuedRun();
    const stats = activationStatsFixture();
    await recordRunResults(store, runId, runResultsFixture(sweepRowsFixture(), stats));

    const stored = await db.runLayerStats.findFirstOrThrow({ where: { runId, layerIndex: 0 } });
    // 3 neurons x 5 float32, 3 neurons x 3 uint32 bins: nothing but the numbers.
    expect(stored.neurons.byteLength).toBe(3 * 5 * 4);
    expect(stored.histograms.byteLength).toBe(3 * 3 * 4);

    const read = await staff.viewer.result.layerStats({ runId });
    expect(read.sampleCount).toBe(6000);
    expect(read.layers.map((layer) => layer.layerIndex)).toEqual([0, 1]);
    read.layers.forEach((layer, l) => {
      const original = stats.layers[l] as (typeof stats.layers)[number];
      layer.neurons.forEach((neuron, n) => {
        const expected = original.neurons[n] as (typeof original.neurons)[number];
        for (const key of ["mean", "std", "min", "max", "apoz"] as const) {
          // Exactly the nearest float32; within float32's relative precision (2^-24) of the float64 value.
          expect(neuron[key]).toBe(Math.fround(expected[key]));
          expect(Math.abs(neuron[key] - expected[key])).toBeLessThanOrEqual(Math.abs(expected[key]) * 2 ** -24);
        }
      });
      expect(layer.histograms).toEqual(original.histograms);
    });
    expect(read.layers[0]?.histograms[1]?.counts[1]).toBe(4294967295);

    const onlySecond = await staff.viewer.result.layerStats({ runId, layerIndexes: [1] });
    expect(onlySecond.layers.map((layer) => layer.layerIndex)).toEqual([1]);

    // Without histograms (the run page's read): the same neurons, bit for bit, and no histogram.
    const neuronsOnly = await staff.viewer.result.layerStats({ runId, histograms: false });
    expect(neuronsOnly.sampleCount).toBe(6000);
    expect(neuronsOnly.layers.map((layer) => layer.neurons)).toEqual(read.layers.map((layer) => layer.neurons));
    expect(neuronsOnly.layers.map((layer) => layer.histograms)).toEqual([[], []]);
  });

  it("returns empty results before the worker reports", async () => {
    const { staff, runId } = await queuedRun();
    expect(await staff.viewer.result.rows({ runId })).toEqual({ runId, base: null, rows: [] });
    expect(await staff.viewer.result.layerStats({ runId })).toEqual({ runId, sampleCount: 0, layers: [] });
  });

  it("rejects inconsistent input naming the field, and stores nothing", async () => {
    const { runId } = await queuedRun();
    const stats = activationStatsFixture();
    const layer = stats.layers[1] as (typeof stats.layers)[number];
    const badEdges = {
      ...stats,
      layers: [stats.layers[0], { ...layer, histograms: [layer.histograms[0], { edges: [-1, 0, 2], counts: [1, 1] }] }],
    };
    const failure = (input: Parameters<typeof recordRunResults>[2]) =>
      recordRunResults(store, runId, input).then(
        () => null,
        (error: unknown) => error as AppError,
      );

    const edges = await failure(runResultsFixture(sweepRowsFixture(), badEdges as never));
    expect(edges).toBeInstanceOf(AppError);
    expect(edges?.message).toContain("stats.layers[1].histograms[1].edges:");

    const duplicateRows = [...sweepRowsFixture(), sweepRowsFixture()[0] as never];
    expect((await failure(runResultsFixture(duplicateRows)))?.message).toContain(
      'rows[5].id: "full" already appears at rows[0]',
    );

    const duplicateLayer = { ...stats, layers: [stats.layers[0], { ...layer, layerIndex: 0 }] };
    expect((await failure(runResultsFixture(sweepRowsFixture(), duplicateLayer as never)))?.message).toContain(
      "stats.layers[1].layerIndex:",
    );

    const empty = await failure({ ...runResultsFixture(), rows: [] });
    expect(empty).toBeNull();
    const notFound = await recordRunResults(store, "no-such-run", runResultsFixture()).then(
      () => null,
      (error: unknown) => error as AppError,
    );
    expect(notFound?.code).toBe("NOT_FOUND");
    expect(await db.resultRow.count({ where: { runId } })).toBe(0);
    expect(await db.runLayerStats.count({ where: { runId } })).toBe(0);
  });

  it("validates what a worker sends with a message naming the field", () => {
    const rows = sweepRowsFixture();
    const parsed = runResultsInput.safeParse({
      ...runResultsFixture(),
      rows: [{ ...rows[0], validationAccuracy: 1.5 }],
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => issue.path.join("."))).toEqual(["rows.0.validationAccuracy"]);
    expect(runResultsInput.safeParse(runResultsFixture(rows, activationStatsFixture())).success).toBe(true);
  });
});

describe("layer statistics encoding", () => {
  it("stores a layer without histograms and decodes it back", () => {
    const layer = { layerIndex: 2, neurons: [{ mean: 1, std: 2, min: 0, max: 3, apoz: 0.5 }], histograms: [] };
    const encoded = encodeLayerStats(layer, "stats.layers[0]");
    expect(encoded.histogramEdges).toBe("[]");
    expect(decodeLayerStats(encoded)).toEqual(layer);
  });

  it("refuses a value that overflows float32", () => {
    const layer = { layerIndex: 0, neurons: [{ mean: 1e39, std: 0, min: 0, max: 0, apoz: 0 }], histograms: [] };
    expect(() => encodeLayerStats(layer, "stats.layers[0]")).toThrow("stats.layers[0].neurons[0]: 1e+39 does not fit");
  });
});
