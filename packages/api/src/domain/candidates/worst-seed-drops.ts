import { seedSpread, withinWorstSeedDrop } from "@deadweight/core/tensor-free";
import type { Prisma } from "@deadweight/db";
import type { Store } from "../../store/store.js";
import { readSeedRuns } from "../experiments/read-seed-runs.js";

/** One row key of one experiment across its seeds, as the worst-seed limit reads it. */
export interface RowAcrossSeeds {
  /** The largest validation drop among the seeds that measured the row. */
  readonly worstDrop: number;
  readonly missingSeeds: number[];
}

/** Every experiment of a project, its rows across seeds: what the candidate query's worst-seed limit asks. */
export interface WorstSeedDrops {
  of(experimentId: string, rowKey: string): RowAcrossSeeds | undefined;
  /**
   * A where-clause matching exactly the rows that hold on every seed within the limit: each
   * qualifying row key in its experiment's aggregated runs (nothing when none does).
   */
  qualifying(maxWorstSeedDropPoints: number): Prisma.ResultRowWhereInput;
}

/** Reads and aggregates every experiment of the project across its seeds (the caller checked access). */
export async function worstSeedDrops(store: Store, projectId: string): Promise<WorstSeedDrops> {
  const experiments = await store.reads
    .selectFrom("Experiment")
    .select("id")
    .where("projectId", "=", projectId)
    .execute();
  const seedRuns = await readSeedRuns(
    store,
    experiments.map((experiment) => experiment.id),
  );
  const byExperiment = new Map(
    [...seedRuns].map(([experimentId, read]) => [
      experimentId,
      {
        runIds: read.seedRuns.map((run) => run.runId),
        rows: new Map(seedSpread(read.seedRuns).map((row) => [row.rowKey, row])),
      },
    ]),
  );
  return {
    of(experimentId, rowKey) {
      const row = byExperiment.get(experimentId)?.rows.get(rowKey);
      return row === undefined
        ? undefined
        : { worstDrop: row.validationAccuracyDrop.max, missingSeeds: row.missingSeeds };
    },
    qualifying(maxWorstSeedDropPoints) {
      const rows = [...byExperiment.values()].flatMap(({ runIds, rows }) =>
        [...rows.values()]
          .filter((row) => withinWorstSeedDrop(row, maxWorstSeedDropPoints))
          .map((row) => ({ rowKey: row.rowKey, runId: { in: runIds } })),
      );
      // Prisma reads an empty OR as no condition at all, so "none qualifies" must say so itself.
      return rows.length === 0 ? { id: { in: [] } } : { OR: rows };
    },
  };
}
