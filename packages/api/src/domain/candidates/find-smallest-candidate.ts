import type { Prisma } from "@deadweight/db";
import { objectId } from "@deadweight/protocol";
import { z } from "zod";
import type { UserActor } from "../../access/actor.js";
import { accessProject } from "../../access/owned-objects.js";
import type { Store } from "../../store/store.js";
import { type TradeOffSnapshot, tradeOffOf, tradeOffRowSelect } from "./trade-off-snapshot.js";
import { type WorstSeedDrops, worstSeedDrops } from "./worst-seed-drops.js";

export const findSmallestCandidateInput = z.object({
  projectId: objectId,
  /** Largest acceptable test-accuracy drop against the run's unpruned model, in percentage points. */
  maxTestAccuracyDrop: z
    .number()
    .min(-100, "must be at least -100 points")
    .max(100, "must be at most 100 points (a drop is in percentage points)"),
  maxBytes: z.number().int("must be a whole number of bytes").positive("must be greater than 0").optional(),
  maxParameters: z.number().int("must be a whole number").positive("must be greater than 0").optional(),
  /**
   * Worst-seed limit, in validation points: a row qualifies only if every seed of its experiment
   * (its succeeded runs, one per seed) has the same row with a validation drop within it.
   */
  maxWorstSeedDropPoints: z
    .number()
    .min(-100, "must be at least -100 points")
    .max(100, "must be at most 100 points (a drop is in percentage points)")
    .optional(),
});
export type FindSmallestCandidateInput = z.output<typeof findSmallestCandidateInput>;

export type CandidateConstraint = "maxTestAccuracyDrop" | "maxBytes" | "maxParameters" | "maxWorstSeedDropPoints";

/**
 * One constraint the closest row fails, and by how much (in the constraint's unit). For the
 * worst-seed limit, `actual` is the worst validation drop among the seeds that measured the row, and
 * `missingSeeds` the seeds of its experiment that did not (a row some seed lacks never qualifies).
 */
export interface ConstraintMiss {
  readonly constraint: CandidateConstraint;
  readonly limit: number;
  readonly actual: number;
  readonly excess: number;
  readonly missingSeeds?: number[];
}

export interface SmallestCandidateAnswer {
  /** The smallest row meeting every constraint; null when none does. */
  readonly candidate: TradeOffSnapshot | null;
  /** When candidate is null: why, naming the closest row and what it misses by. */
  readonly explanation: string | null;
  /** When candidate is null: the nearest row (see findSmallestCandidate) and the constraints it fails. */
  readonly closest: { readonly row: TradeOffSnapshot; readonly misses: ConstraintMiss[] } | null;
  /** How many result rows were considered (status "ok", with a measured test accuracy). */
  readonly consideredRows: number;
}

/**
 * Drops are computed as 100 * (base - pruned) in floating point, so a drop a person reads as 0.5
 * can be stored as 0.5000000000000004; a limit of 0.5 points must still admit it.
 */
const DROP_TOLERANCE_POINTS = 1e-9;

// Fewest bytes; ties go to the more accurate row, then to the older one (its run queued first).
const SMALLEST_FIRST = [
  { bytes: "asc" },
  { testAccuracy: "desc" },
  { run: { queuedAt: "asc" } },
  { position: "asc" },
  { id: "asc" },
] satisfies Prisma.ResultRowOrderByWithRelationInput[];

/**
 * The smallest model of the project (fewest bytes) whose test-accuracy drop is at most
 * `maxTestAccuracyDrop` points and that fits `maxBytes` / `maxParameters` when given, across every
 * "ok" result row of the project's runs (viewer or higher).
 *
 * When nothing fits, the answer names the closest row: size limits are usually the device's hard
 * limits, so first the most accurate row within them (how much more drop you would have to
 * accept); if no row fits them, the smallest row within the accuracy limit (how much more space you
 * would need); if neither exists, the most accurate row of all.
 */
export async function findSmallestCandidate(
  store: Store,
  actor: UserActor,
  input: FindSmallestCandidateInput,
): Promise<SmallestCandidateAnswer> {
  await accessProject(store, actor, input.projectId, "viewer");

  const projectRows = {
    status: "ok",
    testAccuracyDrop: { not: null },
    run: { experiment: { projectId: input.projectId } },
  } satisfies Prisma.ResultRowWhereInput;
  const worstSeeds = input.maxWorstSeedDropPoints === undefined ? null : await worstSeedDrops(store, input.projectId);
  const withinAccuracy = {
    AND: [
      { testAccuracyDrop: { lte: input.maxTestAccuracyDrop + DROP_TOLERANCE_POINTS } },
      worstSeeds === null || input.maxWorstSeedDropPoints === undefined
        ? {}
        : worstSeeds.qualifying(input.maxWorstSeedDropPoints),
    ],
  } satisfies Prisma.ResultRowWhereInput;
  const withinSize = {
    ...(input.maxBytes === undefined ? {} : { bytes: { lte: input.maxBytes } }),
    ...(input.maxParameters === undefined ? {} : { parameters: { lte: input.maxParameters } }),
  } satisfies Prisma.ResultRowWhereInput;

  const [consideredRows, best] = await Promise.all([
    store.db.resultRow.count({ where: projectRows }),
    store.db.resultRow.findFirst({
      where: { AND: [projectRows, withinAccuracy, withinSize] },
      orderBy: SMALLEST_FIRST,
      select: tradeOffRowSelect,
    }),
  ]);
  if (best !== null) return { candidate: tradeOffOf(best), explanation: null, closest: null, consideredRows };

  const limits = describeLimits(input);
  const mostAccurateFirst = [{ testAccuracyDrop: "asc" as const }, ...SMALLEST_FIRST];
  const closestRow =
    consideredRows === 0
      ? null
      : ((await store.db.resultRow.findFirst({
          where: { AND: [projectRows, withinSize] },
          orderBy: mostAccurateFirst,
          select: tradeOffRowSelect,
        })) ??
        (await store.db.resultRow.findFirst({
          where: { AND: [projectRows, withinAccuracy] },
          orderBy: SMALLEST_FIRST,
          select: tradeOffRowSelect,
        })) ??
        (await store.db.resultRow.findFirst({
          where: projectRows,
          orderBy: mostAccurateFirst,
          select: tradeOffRowSelect,
        })));
  if (closestRow === null) {
    return {
      candidate: null,
      explanation: `no result row fits (${limits}): project ${input.projectId} has no result rows with status "ok" and a measured test accuracy yet; record a run's results first`,
      closest: null,
      consideredRows: 0,
    };
  }

  const row = tradeOffOf(closestRow);
  const misses = missesOf(row, input, worstSeeds);
  return {
    candidate: null,
    explanation:
      `none of the ${consideredRows} result rows of project ${input.projectId} fits (${limits}); ` +
      `closest: row "${row.rowKey}" of run ${row.runId} (experiment "${row.experimentName}"): ` +
      `${describeRow(row)}; it misses ${misses.map(describeMiss).join(" and ")}`,
    closest: { row, misses },
    consideredRows,
  };
}

function missesOf(
  row: TradeOffSnapshot,
  input: FindSmallestCandidateInput,
  worstSeeds: WorstSeedDrops | null,
): ConstraintMiss[] {
  const misses: ConstraintMiss[] = [];
  const drop = row.testAccuracyDrop ?? Number.POSITIVE_INFINITY;
  if (drop > input.maxTestAccuracyDrop + DROP_TOLERANCE_POINTS) {
    misses.push({
      constraint: "maxTestAccuracyDrop",
      limit: input.maxTestAccuracyDrop,
      actual: drop,
      excess: drop - input.maxTestAccuracyDrop,
    });
  }
  const worstSeedLimit = input.maxWorstSeedDropPoints;
  if (worstSeeds !== null && worstSeedLimit !== undefined) {
    const spread = worstSeeds.of(row.experimentId, row.rowKey);
    // A row no seed run of its experiment holds (its run has not succeeded): its own drop stands in.
    const actual = spread?.worstDrop ?? row.validationAccuracyDrop ?? Number.POSITIVE_INFINITY;
    const missingSeeds = spread?.missingSeeds ?? [];
    if (spread === undefined || missingSeeds.length > 0 || actual > worstSeedLimit + DROP_TOLERANCE_POINTS) {
      misses.push({
        constraint: "maxWorstSeedDropPoints",
        limit: worstSeedLimit,
        actual,
        excess: Math.max(0, actual - worstSeedLimit),
        missingSeeds,
      });
    }
  }
  if (input.maxBytes !== undefined && row.bytes > input.maxBytes) {
    misses.push({
      constraint: "maxBytes",
      limit: input.maxBytes,
      actual: row.bytes,
      excess: row.bytes - input.maxBytes,
    });
  }
  if (input.maxParameters !== undefined && row.parameters > input.maxParameters) {
    misses.push({
      constraint: "maxParameters",
      limit: input.maxParameters,
      actual: row.parameters,
      excess: row.parameters - input.maxParameters,
    });
  }
  return misses;
}

function describeLimits(input: FindSmallestCandidateInput): string {
  const parts = [`test-accuracy drop <= ${points(input.maxTestAccuracyDrop)} points`];
  if (input.maxBytes !== undefined) parts.push(`<= ${input.maxBytes} bytes`);
  if (input.maxParameters !== undefined) parts.push(`<= ${input.maxParameters} parameters`);
  if (input.maxWorstSeedDropPoints !== undefined) {
    parts.push(`every seed's validation drop <= ${points(input.maxWorstSeedDropPoints)} points`);
  }
  return parts.join(", ");
}

function describeRow(row: TradeOffSnapshot): string {
  const drop = row.testAccuracyDrop === null ? "unmeasured" : `${points(row.testAccuracyDrop)} points`;
  return `test-accuracy drop ${drop}, ${row.bytes} bytes, ${row.parameters} parameters`;
}

function describeMiss(miss: ConstraintMiss): string {
  switch (miss.constraint) {
    case "maxTestAccuracyDrop":
      return `maxTestAccuracyDrop by ${points(miss.excess)} points`;
    case "maxBytes":
      return `maxBytes by ${miss.excess} bytes`;
    case "maxParameters":
      return `maxParameters by ${miss.excess} parameters`;
    case "maxWorstSeedDropPoints":
      return (miss.missingSeeds ?? []).length > 0
        ? `maxWorstSeedDropPoints: seeds ${(miss.missingSeeds ?? []).join(", ")} of its experiment did not measure this row`
        : miss.excess > 0
          ? `maxWorstSeedDropPoints by ${points(miss.excess)} points (its worst seed)`
          : "maxWorstSeedDropPoints: its run is not one of its experiment's succeeded seed runs";
  }
}

/** Points to at most 4 decimals: enough to tell rows of a 10,000-sample test set apart. */
function points(value: number): string {
  return String(Number(value.toFixed(4)));
}
