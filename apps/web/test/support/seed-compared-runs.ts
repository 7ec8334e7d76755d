import { join } from "node:path";
import { openDatabase } from "@deadweight/db";

export interface SeededRuns {
  /** The runs, in the order they were made. */
  readonly runIds: string[];
}

/** The unpruned network every seeded run reports (784-512-256-128-10). */
const BASE = {
  hiddenSizes: [512, 256, 128],
  parameters: 535_818,
  bytes: 535_818 * 4,
  validationAccuracy: 0.975,
  testAccuracy: 0.972,
  latencyMsPerSample: 0.02,
};

/**
 * `count` finished runs of `rowsPerRun` measured thresholds each, written straight into a platform's
 * SQLite store (seconds, where training them would take hours): experiments of `runsPerExperiment`
 * runs copying the configuration of the project's first experiment, each run with its own seed and
 * each experiment its own learning rate. Row k of run r keeps a shrinking share of the network;
 * its accuracies fall with it, jittered per run so that some rows fall off the frontier.
 */
export async function seedComparedRuns(
  dataDir: string,
  options: {
    readonly projectId: string;
    readonly count: number;
    readonly rowsPerRun?: number;
    readonly runsPerExperiment?: number;
  },
): Promise<SeededRuns> {
  const rowsPerRun = options.rowsPerRun ?? 30;
  const runsPerExperiment = options.runsPerExperiment ?? 10;
  const { db, close } = openDatabase(join(dataDir, "deadweight.db"));
  try {
    const template = await db.experiment.findFirstOrThrow({ where: { projectId: options.projectId } });
    const templateConfig = JSON.parse(template.config) as { training?: Record<string, unknown> };
    const runIds: string[] = [];
    for (let e = 0; runIds.length < options.count; e++) {
      const runsHere = Math.min(runsPerExperiment, options.count - runIds.length);
      const firstRun = runIds.length;
      const created = await db.$transaction(async (tx) => {
        const experiment = await tx.experiment.create({
          data: {
            projectId: options.projectId,
            name: `seeded ${e + 1}`,
            dataset: template.dataset,
            config: JSON.stringify({
              ...templateConfig,
              training: { ...templateConfig.training, learningRate: 0.001 * (1 + e) },
            }),
            createdById: template.createdById,
          },
        });
        const ids: string[] = [];
        for (let i = 0; i < runsHere; i++) {
          const run = await tx.run.create({
            data: {
              experimentId: experiment.id,
              status: "succeeded",
              seed: 100 + firstRun + i,
              baseMetrics: JSON.stringify(BASE),
              startedAt: new Date(),
              finishedAt: new Date(),
            },
          });
          ids.push(run.id);
        }
        await tx.resultRow.createMany({
          data: ids.flatMap((runId, i) => seededRows(runId, firstRun + i, rowsPerRun)),
        });
        return ids;
      });
      runIds.push(...created);
    }
    return { runIds };
  } finally {
    await close();
  }
}

/** The rows of run number `r`: the thresholds' trade-offs, largest model first. */
export function seededRows(runId: string, r: number, rowsPerRun: number) {
  return Array.from({ length: rowsPerRun }, (_, k) => {
    const kept = 1 - (0.95 * k) / rowsPerRun;
    const parameters = Math.round(BASE.parameters * kept);
    const validationAccuracy = 0.975 - 0.4 * (1 - kept) ** 2 + 0.004 * Math.sin(r * 7.3 + k * 1.7);
    const testAccuracy = validationAccuracy - 0.003 + 0.003 * Math.cos(r * 3.1 + k);
    const keptNeurons = BASE.hiddenSizes.map((size) => Math.max(1, Math.round(size * kept)));
    return {
      runId,
      rowKey: `t${String(k).padStart(2, "0")}`,
      position: k,
      threshold: JSON.stringify({ kind: "meanStd", mean: k * 0.02, std: 0.4 }),
      status: "ok",
      keptNeurons: JSON.stringify(keptNeurons),
      keptNeuronTotal: keptNeurons.reduce((a, b) => a + b, 0),
      parameters,
      bytes: parameters * 4,
      validationAccuracy,
      testAccuracy,
      validationAccuracyDrop: (BASE.validationAccuracy - validationAccuracy) * 100,
      testAccuracyDrop: (BASE.testAccuracy - testAccuracy) * 100,
      parameterReductionPercent: (1 - kept) * 100,
      neuronReductionPercent: (1 - kept) * 100,
      latencyMsPerSample: 0.02 * kept,
      pareto: false,
    };
  });
}
