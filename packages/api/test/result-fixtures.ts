import { randomUUID } from "node:crypto";
import type { PruningThreshold } from "@deadweight/core";
import type { Db } from "@deadweight/db";
import type { UserActor } from "../src/access/actor.js";

/**
 * Projects, experiments, runs and result rows written straight into the database, so candidate and
 * artifact tests do not depend on the result recorder. Numbers are chosen per test.
 */

export async function createProject(db: Db, teamId: string, name = "mnist-edge") {
  return db.project.create({
    data: { teamId, name, slug: `${name}-${randomUUID().slice(0, 6)}` },
    select: { id: true, teamId: true },
  });
}

export async function createExperiment(db: Db, projectId: string, creator: UserActor, name = "wide-mlp") {
  return db.experiment.create({
    data: { projectId, name, dataset: "mnist", config: "{}", createdById: creator.userId },
    select: { id: true, name: true },
  });
}

export async function createRun(db: Db, experimentId: string, queuedAt = new Date()) {
  return db.run.create({
    data: { experimentId, status: "succeeded", queuedAt, finishedAt: queuedAt },
    select: { id: true },
  });
}

export interface ResultRowFields {
  readonly rowKey?: string;
  readonly position?: number;
  readonly threshold?: PruningThreshold;
  readonly status?: "ok" | "emptied-layer";
  readonly keptNeurons?: number[];
  readonly parameters?: number;
  readonly bytes: number;
  readonly testAccuracy?: number | null;
  readonly testAccuracyDrop?: number | null;
  readonly validationAccuracy?: number | null;
  readonly validationAccuracyDrop?: number | null;
}

let rowCounter = 0;

/** One sweep row; parameters default to bytes / 4 (float32 weights), accuracies to a 98% base. */
export async function createResultRow(db: Db, runId: string, fields: ResultRowFields) {
  rowCounter += 1;
  const threshold = fields.threshold ?? { kind: "meanStd", mean: 0.1, std: rowCounter / 100 };
  const keptNeurons = fields.keptNeurons ?? [300, 200, 100];
  const testAccuracyDrop = fields.testAccuracyDrop === undefined ? 0.5 : fields.testAccuracyDrop;
  const testAccuracy =
    fields.testAccuracy !== undefined
      ? fields.testAccuracy
      : testAccuracyDrop === null
        ? null
        : 0.98 - testAccuracyDrop / 100;
  return db.resultRow.create({
    data: {
      runId,
      rowKey: fields.rowKey ?? `row-${rowCounter}`,
      position: fields.position ?? rowCounter,
      threshold: JSON.stringify(threshold),
      status: fields.status ?? "ok",
      keptNeurons: JSON.stringify(keptNeurons),
      keptNeuronTotal: keptNeurons.reduce((sum, n) => sum + n, 0),
      parameters: fields.parameters ?? Math.floor(fields.bytes / 4),
      bytes: fields.bytes,
      validationAccuracy: fields.validationAccuracy === undefined ? 0.975 : fields.validationAccuracy,
      testAccuracy,
      validationAccuracyDrop: fields.validationAccuracyDrop === undefined ? 0.4 : fields.validationAccuracyDrop,
      testAccuracyDrop,
      parameterReductionPercent: 50,
      neuronReductionPercent: 40,
      latencyMsPerSample: 0.01,
      pareto: false,
    },
    select: { id: true, runId: true, rowKey: true, bytes: true, parameters: true },
  });
}
