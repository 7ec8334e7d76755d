import type { SweepRow } from "@deadweight/core";
import type { RunResultsInput } from "@deadweight/protocol";
import type { DbOrTransaction } from "../../audit/record-audit.js";
import { AppError } from "../../errors/app-error.js";
import type { Store } from "../../store/store.js";
import { type EncodedLayerStats, encodeLayerStats } from "./layer-stats-encoding.js";

export interface RecordedRunResults {
  readonly runId: string;
  readonly rowCount: number;
  readonly layerCount: number;
}

/**
 * Stores what a run produced: base metrics, backend, split and timings on the run, one ResultRow
 * per sweep row and one RunLayerStats per hidden layer, in one transaction. Idempotent: rows are
 * upserted on (run, row id) and layers on (run, layer index), so a retried report never
 * duplicates anything. Rows absent from a later report are kept (candidates and artifacts may
 * point at them). Does not change the run's status: finishing a run is the worker's call. Takes
 * no actor: the worker procedure calling it checks that the run belongs to its token's team.
 */
export async function recordRunResults(
  store: Store,
  runId: string,
  input: RunResultsInput,
): Promise<RecordedRunResults> {
  const layers = prepareLayers(input);
  checkRowIds(input.rows);
  return store.transaction((tx) => writeRunResults(tx, runId, input, layers));
}

/** recordRunResults for a caller already inside a transaction (e.g. one that also finishes the run). */
export async function storeRunResults(
  tx: DbOrTransaction,
  runId: string,
  input: RunResultsInput,
): Promise<RecordedRunResults> {
  const layers = prepareLayers(input);
  checkRowIds(input.rows);
  return writeRunResults(tx, runId, input, layers);
}

async function writeRunResults(
  tx: DbOrTransaction,
  runId: string,
  input: RunResultsInput,
  layers: EncodedLayerStats[],
): Promise<RecordedRunResults> {
  const run = await tx.run.findUnique({ where: { id: runId }, select: { id: true, timings: true } });
  if (run === null) throw AppError.notFound("run", runId);
  // Stage timings the worker reported one by one (worker.completeStage) stay unless reported again here.
  const earlierTimings = run.timings === null ? {} : (JSON.parse(run.timings) as Record<string, number>);
  await tx.run.update({
    where: { id: runId },
    data: {
      baseMetrics: JSON.stringify(input.base),
      backend: JSON.stringify(input.backend),
      split: JSON.stringify(input.split),
      timings: JSON.stringify({ ...earlierTimings, ...input.timings }),
    },
  });
  for (const [position, row] of input.rows.entries()) {
    const data = resultRowData(row, position);
    await tx.resultRow.upsert({
      where: { runId_rowKey: { runId, rowKey: row.id } },
      create: { runId, rowKey: row.id, ...data },
      update: data,
    });
  }
  const sampleCount = input.stats?.sampleCount ?? 0;
  for (const layer of layers) {
    const data = { ...layer, sampleCount };
    await tx.runLayerStats.upsert({
      where: { runId_layerIndex: { runId, layerIndex: layer.layerIndex } },
      create: { runId, ...data },
      update: data,
    });
  }
  return { runId, rowCount: input.rows.length, layerCount: layers.length };
}

function resultRowData(row: SweepRow, position: number) {
  return {
    position,
    threshold: JSON.stringify(row.threshold),
    status: row.status,
    note: row.note ?? null,
    keptNeurons: JSON.stringify(row.keptNeurons),
    keptNeuronTotal: row.keptNeuronTotal,
    parameters: row.parameters,
    bytes: row.bytes,
    validationAccuracy: row.validationAccuracy,
    testAccuracy: row.testAccuracy,
    validationAccuracyDrop: row.validationAccuracyDrop,
    testAccuracyDrop: row.testAccuracyDrop,
    parameterReductionPercent: row.parameterReductionPercent,
    neuronReductionPercent: row.neuronReductionPercent,
    latencyMsPerSample: row.latencyMsPerSample,
    pareto: row.pareto,
  };
}

/** Encodes every layer before the transaction starts, so bad statistics never hold the write lock. */
function prepareLayers(input: RunResultsInput): EncodedLayerStats[] {
  const layers = input.stats?.layers ?? [];
  const seen = new Map<number, number>();
  return layers.map((layer, i) => {
    const field = `stats.layers[${i}]`;
    const earlier = seen.get(layer.layerIndex);
    if (earlier !== undefined) {
      throw new AppError(
        "BAD_REQUEST",
        `${field}.layerIndex: layer ${layer.layerIndex} already appears at stats.layers[${earlier}]`,
        `${field}.layerIndex`,
      );
    }
    seen.set(layer.layerIndex, i);
    return encodeLayerStats(layer, field);
  });
}

function checkRowIds(rows: readonly SweepRow[]): void {
  const seen = new Map<string, number>();
  rows.forEach((row, i) => {
    const earlier = seen.get(row.id);
    if (earlier !== undefined) {
      throw new AppError(
        "BAD_REQUEST",
        `rows[${i}].id: "${row.id}" already appears at rows[${earlier}]`,
        `rows[${i}].id`,
      );
    }
    seen.set(row.id, i);
  });
}
