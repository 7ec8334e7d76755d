import type { BaseModelMetrics } from "@deadweight/core";
import {
  type BudgetAnswer,
  type BudgetCandidate,
  type BudgetOption,
  selectForBudget,
} from "@deadweight/core/tensor-free";
import type { RowBundle, WeightVersion } from "@deadweight/protocol";
import { objectId } from "@deadweight/protocol";
import { z } from "zod";
import type { UserActor } from "../../access/actor.js";
import { accessProject } from "../../access/owned-objects.js";
import { AppError } from "../../errors/app-error.js";
import type { Store } from "../../store/store.js";
import { type ArtifactView, artifactSelect, toArtifactView } from "../artifacts/artifact-view.js";

export const fitDeviceBudgetInput = z.object({
  projectId: objectId,
  /** The device's budget for the bundle's files, in bytes on disk. */
  maxBytes: z.number().int("must be a whole number of bytes").positive("must be greater than 0"),
  /** Largest acceptable drop against the run's base model, in validation points (test accuracy is reported). */
  maxAccuracyDropPoints: z
    .number()
    .min(0, "must be 0 or more points")
    .max(100, "must be at most 100 points")
    .optional(),
  maxLatencyMsPerSample: z.number().positive("must be greater than 0").optional(),
  /** Only bundles of experiments on this dataset; required when the project's bundles span several. */
  dataset: z.string().trim().min(1, "must not be empty").optional(),
});
export type FitDeviceBudgetInput = z.output<typeof fitDeviceBudgetInput>;

/** An exported, verified bundle of the project, with where its files are. */
export interface DeployableBundle {
  readonly runId: string;
  readonly resultRowId: string;
  readonly rowKey: string;
  readonly experimentId: string;
  readonly experimentName: string;
  readonly weights: WeightVersion;
  readonly dtype: RowBundle["dtype"];
  readonly bytes: number;
  readonly testAccuracy: number;
  readonly validationAccuracy: number | null;
  /** Base minus this bundle's accuracy, in points. */
  readonly testAccuracyDrop: number;
  readonly validationAccuracyDrop: number | null;
  readonly latencyMsPerSample: number | null;
  readonly verification: NonNullable<RowBundle["exported"]>["verification"];
  /** The bundle's files as stored artifacts (download paths), and the run's model card when this is its chosen candidate. */
  readonly files: ArtifactView[];
  readonly modelCard: ArtifactView | null;
}

export interface DeviceBudgetFit {
  /** The core's answer over every exported bundle of the project (null when there is none). */
  readonly answer: BudgetAnswer | null;
  /** The bundle the answer names: `best` when something fits, else `closest`. */
  readonly bundle: DeployableBundle | null;
  /** How many exported bundles were considered. */
  readonly consideredBundles: number;
  /** For a person: what was considered and why this answer. */
  readonly explanation: string;
}

/**
 * "The most accurate bundle that fits this device" across a project's runs (viewer or higher).
 * Only exported bundles count: each was reloaded in a fresh process and verified, so the answer is
 * always downloadable. The choice uses validation accuracy (the test set is never used to choose).
 */
export async function fitDeviceBudget(
  store: Store,
  actor: UserActor,
  input: FitDeviceBudgetInput,
): Promise<DeviceBudgetFit> {
  await accessProject(store, actor, input.projectId, "viewer");
  const rows = await store.db.resultRow.findMany({
    where: {
      bundles: { not: null },
      run: {
        experiment: { projectId: input.projectId, ...(input.dataset === undefined ? {} : { dataset: input.dataset }) },
      },
    },
    select: {
      id: true,
      runId: true,
      rowKey: true,
      latencyMsPerSample: true,
      bundles: true,
      run: { select: { baseMetrics: true, experiment: { select: { id: true, name: true, dataset: true } } } },
    },
    orderBy: [{ runId: "asc" }, { position: "asc" }],
  });
  const datasets = [...new Set(rows.map((row) => row.run.experiment.dataset))];
  if (datasets.length > 1) {
    throw new AppError(
      "BAD_REQUEST",
      `dataset: this project's bundles come from ${datasets.length} datasets (${datasets.join(", ")}), and a model for one does not serve another: pass dataset`,
      "dataset",
    );
  }
  const deployable = new Map<string, Omit<DeployableBundle, "files" | "modelCard"> & { fileNames: string[] }>();
  const candidates: BudgetCandidate[] = [];
  for (const row of rows) {
    if (row.run.baseMetrics === null) continue;
    const base = JSON.parse(row.run.baseMetrics) as BaseModelMetrics;
    const bundles = (JSON.parse(row.bundles ?? "[]") as RowBundle[]).filter((bundle) => bundle.exported !== null);
    for (const weights of ["one-shot", "recovered"] as const) {
      const ofVersion = bundles.filter((bundle) => bundle.weights === weights && bundle.validationAccuracy !== null);
      if (ofVersion.length === 0) continue;
      // Read in explanations: the experiment, the row and its weights, and the run (a project may hold several).
      const candidateId = `"${row.run.experiment.name}" ${row.rowKey} (${weights}, run …${row.runId.slice(-6)})`;
      candidates.push({
        id: candidateId,
        // A missing measurement never satisfies a limit: the core counts null as a miss.
        latencyMsPerSample: row.latencyMsPerSample,
        bundles: ofVersion.map((bundle) => ({
          weightDtype: bundle.dtype,
          bytes: bundle.bytes,
          accuracyDropPoints:
            bundle.validationAccuracy === null ? null : (base.validationAccuracy - bundle.validationAccuracy) * 100,
        })),
      });
      for (const bundle of ofVersion) {
        deployable.set(`${candidateId}/${bundle.dtype}`, {
          runId: row.runId,
          resultRowId: row.id,
          rowKey: row.rowKey,
          experimentId: row.run.experiment.id,
          experimentName: row.run.experiment.name,
          weights,
          dtype: bundle.dtype,
          bytes: bundle.bytes,
          testAccuracy: bundle.testAccuracy,
          validationAccuracy: bundle.validationAccuracy,
          testAccuracyDrop: (base.testAccuracy - bundle.testAccuracy) * 100,
          validationAccuracyDrop:
            bundle.validationAccuracy === null ? null : (base.validationAccuracy - bundle.validationAccuracy) * 100,
          latencyMsPerSample: row.latencyMsPerSample,
          verification: bundle.exported!.verification,
          fileNames: bundle.exported!.files.map((file) => file.name),
        });
      }
    }
  }
  const consideredBundles = deployable.size;
  if (candidates.length === 0) {
    return {
      answer: null,
      bundle: null,
      consideredBundles,
      explanation:
        'No run of this project has exported bundles yet: runs export them in their deploy stage (the budget\'s answer, or the suggested row; set deployment.bundles to "pareto" to export every Pareto row).',
    };
  }
  const { projectId: _projectId, dataset: _dataset, ...budget } = input;
  const answer = selectForBudget(candidates, budget);
  const option: BudgetOption = answer.fits ? answer.best : answer.closest;
  const chosen = deployable.get(`${option.candidateId}/${option.weightDtype}`)!;
  const { fileNames, ...bundle } = chosen;
  const cardName = `bundles/${chosen.rowKey}/${chosen.weights}/model-card.json`;
  const artifacts = await store.db.artifact.findMany({
    where: { runId: chosen.runId, name: { in: [...fileNames, cardName] } },
    select: artifactSelect,
    orderBy: { name: "asc" },
  });
  const views = artifacts.map(toArtifactView);
  return {
    answer,
    bundle: {
      ...bundle,
      files: views.filter((view) => view.name !== cardName),
      modelCard: views.find((view) => view.name === cardName) ?? null,
    },
    consideredBundles,
    explanation: `${answer.explanation} (${consideredBundles} exported, verified bundles of this project considered; chosen on validation accuracy.)`,
  };
}
