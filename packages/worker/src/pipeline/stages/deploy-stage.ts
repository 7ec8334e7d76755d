import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ActivationStats, bundleFileName, deployCandidates, modelCardFileName } from "@deadweight/core";
import { attemptOf, type StageContext } from "../stage-context.js";
import type { LoadedRun } from "./load-stage.js";
import type { ScheduledSweep } from "./schedule-stage.js";
import type { TrainedRun } from "./train-stage.js";

/**
 * Deployment candidates (after the sweep): the core decides, measures and verifies
 * (deployCandidates: bundles per dtype, the device budget's answer or the suggested row, optional
 * recovery fine-tuning, a fresh-process check of every exported bundle, the model card); this stage
 * chooses among the sweep's rows and the schedule's rounds (each round from its own network);
 * gives it a temporary folder, stores the verified bundles and the card as artifacts, and records
 * the deployment.
 */
export async function deployStage(
  context: StageContext,
  loaded: LoadedRun,
  trained: TrainedRun,
  stats: ActivationStats,
  swept: ScheduledSweep,
): Promise<void> {
  const { config } = loaded;
  const workspace = await mkdtemp(join(tmpdir(), `deadweight-deploy-${context.run.id}-`));
  try {
    const outcome = await deployCandidates({
      weights: trained.weights,
      stats,
      sweep: { base: swept.sweep.base, rows: swept.rows },
      roundNetworks: swept.roundNetworks,
      split: loaded.split,
      settings: config.deployment,
      training: { batchSize: config.training.batchSize, learningRate: config.training.learningRate, seed: config.seed },
      // A resumed run loaded its base model: its training time is not known here, so no cost ratio is recorded.
      baseTrainingSeconds: trained.training?.seconds ?? null,
      // Its losses judge whether it learned (with its accuracy against the majority class).
      baseTraining: trained.training ?? null,
      exportFolder: workspace,
      testSetFile: join(workspace, "test-set.dwds"),
      card: {
        createdAt: new Date(),
        source: { runId: context.run.id, description: `experiment "${context.run.experimentName}"` },
        backend: loaded.backend,
      },
      onProgress: ({ message, training }) =>
        context.progress.set({
          stage: "deploy",
          ...(training === undefined
            ? {}
            : { epoch: training.epoch, epochs: training.epochs, loss: training.loss, accuracy: training.accuracy }),
          message,
        }),
      signal: context.signal,
    });

    for (const { variant, dtype, measured } of outcome.exported) {
      context.signal.throwIfAborted();
      for (const file of measured.bundle.files) {
        await context.api.uploadArtifact({
          ...attemptOf(context),
          name: bundleFileName(variant.row.id, variant.version, dtype, file.name),
          kind: "bundle",
          contentType: file.name.endsWith(".json") ? "application/json" : "application/octet-stream",
          bytes: file.bytes,
          resultRowKey: variant.row.id,
        });
      }
    }
    const { record, chosen } = outcome;
    if (chosen !== null && record.modelCard !== null) {
      await context.api.uploadArtifact({
        ...attemptOf(context),
        name: modelCardFileName(chosen.row.id, chosen.version),
        kind: "model-card",
        contentType: "application/json",
        bytes: new TextEncoder().encode(`${JSON.stringify(record.modelCard, null, 2)}\n`),
        resultRowKey: chosen.row.id,
      });
    }

    await context.api.recordDeployment({
      ...attemptOf(context),
      rows: outcome.rows,
      deployment: {
        ...record,
        // JSON copies: the API takes plain JSON (a recovery cost without a base training time is NaN: null).
        answer: record.answer === null ? null : jsonCopy(record.answer),
        modelCard: record.modelCard === null ? null : jsonCopy(record.modelCard),
      },
    });
  } finally {
    await rm(workspace, { recursive: true, force: true });
  }
}

function jsonCopy<T>(value: unknown): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
