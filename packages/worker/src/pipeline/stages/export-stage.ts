import {
  type ActivationStats,
  exportBaseModel,
  exportPrunedModel,
  type MlpWeights,
  rowsToExport,
  type SweepRow,
  splitFeatureScaling,
} from "@deadweight/core";
import { uploadModel } from "../../artifacts/run-artifacts.js";
import { attemptOf, type StageContext } from "../stage-context.js";
import type { LoadedRun } from "./load-stage.js";
import type { ScheduledSweep } from "./schedule-stage.js";

/** Models uploaded at once: uploads wait on the network and the server, not on this process. */
const PARALLEL_UPLOADS = 4;

/**
 * Stores the pruned models the configuration asks for (the Pareto front by default), taking raw
 * features (the split's scaling folded into their first layer); the base model is already stored.
 * A schedule round's model is its own network (the rounds' Pareto rows by default). Under input
 * pruning (a narrowed split) every model is stored with the input contract beside its model.json.
 */
export async function exportStage(
  context: StageContext,
  loaded: LoadedRun,
  weights: MlpWeights,
  stats: ActivationStats,
  swept: Pick<ScheduledSweep, "rows" | "roundNetworks">,
): Promise<void> {
  const chosen = rowsToExport(swept.rows, loaded.config.export);
  const scaling = splitFeatureScaling(loaded.split);
  const contract = loaded.split.inputPruning?.contract;
  const modelOf = (row: SweepRow) => {
    const network = swept.roundNetworks.get(row.id);
    // A round's network is the base model's shape made smaller: exported as the base model is.
    return network === undefined ? exportPrunedModel(weights, stats, row, scaling) : exportBaseModel(network, scaling);
  };
  let stored = 0;
  const exportOne = async (row: SweepRow) => {
    context.signal.throwIfAborted();
    const reports = await uploadModel(context.api, attemptOf(context), row.id, await modelOf(row), row.id, contract);
    stored++;
    context.progress.set({
      stage: "export",
      batch: stored,
      batches: chosen.length,
      message: `model ${stored}/${chosen.length} stored: ${row.id}`,
    });
    for (const report of reports) {
      if (report.result === "kept earlier") {
        context.log(`run ${context.run.id}: ${report.name} was stored by an earlier attempt with other bytes; kept it`);
      }
    }
  };
  context.progress.set({
    stage: "export",
    batch: 0,
    batches: chosen.length,
    message: `${chosen.length} model(s) to store`,
  });
  for (let from = 0; from < chosen.length; from += PARALLEL_UPLOADS) {
    await Promise.all(chosen.slice(from, from + PARALLEL_UPLOADS).map(exportOne));
  }
}
