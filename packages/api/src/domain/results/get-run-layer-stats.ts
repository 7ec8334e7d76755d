import type { ActivationStats } from "@deadweight/core";
import { objectId } from "@deadweight/protocol";
import { z } from "zod";
import type { UserActor } from "../../access/actor.js";
import { accessRun } from "../../access/owned-objects.js";
import type { Store } from "../../store/store.js";
import { decodeLayerStats } from "./layer-stats-encoding.js";

export const getRunLayerStatsInput = z.object({
  runId: objectId,
  /** Only these hidden layers (0-based); all when omitted. */
  layerIndexes: z.array(z.number().int("must be a whole number").nonnegative("must be 0 or more")).optional(),
  /**
   * false: neuron statistics only, every `histograms` list empty. The dashboard's run page draws and
   * prunes from the neurons alone; a 784-512-256-128-10 run's histograms were most of its answer.
   */
  histograms: z.boolean().default(true),
});
export type GetRunLayerStatsInput = z.output<typeof getRunLayerStatsInput>;

/**
 * A run's per-neuron statistics, decoded back to the core's ActivationStats shape (neuron values
 * at float32 precision), with or without the histograms. No layers until the worker reports (viewer or higher).
 */
export async function getRunLayerStats(
  store: Store,
  actor: UserActor,
  input: GetRunLayerStatsInput,
): Promise<ActivationStats & { readonly runId: string }> {
  await accessRun(store, actor, input.runId, "viewer");
  const stored = await store.db.runLayerStats.findMany({
    where: {
      runId: input.runId,
      ...(input.layerIndexes === undefined ? {} : { layerIndex: { in: input.layerIndexes } }),
    },
    orderBy: { layerIndex: "asc" },
    select: {
      layerIndex: true,
      neuronCount: true,
      sampleCount: true,
      neurons: true,
      histogramEdges: input.histograms,
      histograms: input.histograms,
    },
  });
  return {
    runId: input.runId,
    sampleCount: stored[0]?.sampleCount ?? 0,
    layers: stored.map((layer) =>
      decodeLayerStats(input.histograms ? layer : { ...layer, histogramEdges: "[]", histograms: new Uint8Array(0) }),
    ),
  };
}
