import { openDatabase } from "@deadweight/db";
import type { apiAs } from "../test/support/api-as";

/**
 * Queues one real 784-512-256-128-10 run (10,000 MNIST samples, 1 epoch, the default 30 thresholds)
 * in `projectId` and waits until the platform's worker finished it; returns its id.
 */
export async function trainFullNetworkRun(
  api: ReturnType<typeof apiAs>,
  projectId: string,
  name: string,
  timeoutMs: number,
): Promise<string> {
  const experiment = await api.experiment.create.mutate({
    projectId,
    name,
    tags: ["bench"],
    config: {
      dataset: "mnist",
      split: { maxTrainSamples: 10_000, maxTestSamples: 2_000 },
      model: { hidden: [512, 256, 128] },
      training: { epochs: 1 },
    } as never,
  });
  const runId = experiment.runs.recent[0]!.id;
  const started = Date.now();
  for (;;) {
    const run = await api.run.get.query({ runId });
    if (run.status === "succeeded") return runId;
    if (run.status === "failed" || run.status === "canceled")
      throw new Error(`bench run ${run.status}: ${run.errorMessage}`);
    if (Date.now() - started > timeoutMs) throw new Error(`the bench run did not finish in ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/**
 * `count` copies of one run's results under new experiments (other seeds and learning rates, accuracies
 * jittered by up to 0.4 points), written straight into the store at `databaseFile`; returns their ids.
 */
export async function seedSimilarRuns(
  databaseFile: string,
  sourceRunId: string,
  count: number,
  namePrefix: string,
): Promise<string[]> {
  const { db, close } = openDatabase(databaseFile);
  try {
    const source = await db.run.findUniqueOrThrow({
      where: { id: sourceRunId },
      include: { experiment: true, resultRows: true },
    });
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const config = {
        ...JSON.parse(source.experiment.config),
        seed: 100 + i,
        training: { epochs: 1, learningRate: 0.001 * (1 + (i % 5)) },
      };
      const jitter = (value: number, scale: number) => value + Math.sin(i * 7.3 + value) * scale;
      const run = await db.$transaction(async (tx) => {
        const experiment = await tx.experiment.create({
          data: {
            projectId: source.experiment.projectId,
            name: `${namePrefix} ${i + 1}`,
            dataset: source.experiment.dataset,
            config: JSON.stringify(config),
            createdById: source.experiment.createdById,
          },
        });
        const created = await tx.run.create({
          data: {
            experimentId: experiment.id,
            status: "succeeded",
            seed: 100 + i,
            baseMetrics: source.baseMetrics,
            finishedAt: new Date(),
          },
        });
        await tx.resultRow.createMany({
          data: source.resultRows.map(({ id: _id, runId: _runId, ...row }) => ({
            ...row,
            runId: created.id,
            validationAccuracy:
              row.validationAccuracy === null ? null : Math.min(1, jitter(row.validationAccuracy, 0.004)),
            testAccuracy: row.testAccuracy === null ? null : Math.min(1, jitter(row.testAccuracy, 0.004)),
          })),
        });
        return created;
      });
      ids.push(run.id);
    }
    return ids;
  } finally {
    await close();
  }
}
