import {
  type RowWithinDrop,
  SUGGESTION_MAX_VALIDATION_DROP,
  smallestRowWithinDrop,
} from "@deadweight/core/tensor-free";
import { objectId } from "@deadweight/protocol";
import { z } from "zod";
import type { UserActor } from "../../access/actor.js";
import { accessProject } from "../../access/owned-objects.js";
import type { Store } from "../../store/store.js";
import { type CandidateAction, candidateEventSelect, toCandidateEventView } from "./candidate-view.js";

export const getTradeOffTimelineInput = z.object({
  projectId: objectId,
  /**
   * A landed run offers its smallest row within this many validation-accuracy points of its base
   * model. Default: the sweep's own suggestion limit, so a run's offer is the row its page suggests.
   */
  maxValidationDropPoints: z
    .number()
    .min(-100, "must be at least -100 points")
    .max(100, "must be at most 100 points (a drop is in percentage points)")
    .default(SUGGESTION_MAX_VALIDATION_DROP),
});
export type GetTradeOffTimelineInput = z.output<typeof getTradeOffTimelineInput>;

/** The newest alias changes read: a project's whole decision record for years of weekly moves. */
export const TIMELINE_MAX_EVENTS = 500;
/** The newest finished runs read, with their measured rows (about 20,000 narrow rows at most in practice). */
export const TIMELINE_MAX_RUNS = 200;

/** The numbers of one result row on the timeline (from a history snapshot, or read for a landed run). */
export interface TimelineRow {
  /** Null when a snapshot's row has since been deleted with its run (the snapshot keeps its numbers). */
  readonly resultRowId: string | null;
  readonly runId: string;
  readonly rowKey: string;
  readonly experimentId: string;
  readonly experimentName: string;
  readonly bytes: number;
  readonly parameters: number;
  readonly validationAccuracy: number | null;
  readonly testAccuracy: number | null;
  readonly validationAccuracyDrop: number | null;
  readonly testAccuracyDrop: number | null;
}

/**
 * One change of an alias. For "promoted" and "moved", `row` is what the alias holds from `at` on; for
 * "demoted", the row it left (it holds nothing from `at` on).
 */
export interface AliasStep {
  readonly eventId: string;
  readonly at: Date;
  readonly action: CandidateAction;
  readonly row: TimelineRow;
  readonly actor: { readonly id: string; readonly name: string };
  readonly note: string;
}

export interface AliasTimeline {
  readonly alias: string;
  /** Oldest first. */
  readonly steps: AliasStep[];
  /** Whether the alias still points at a row (its last step is not a demotion). */
  readonly assigned: boolean;
}

/** A run that finished, and what it offered a reviewer at that moment. */
export interface LandedRun {
  readonly runId: string;
  readonly experimentId: string;
  readonly experimentName: string;
  readonly seed: number | null;
  readonly finishedAt: Date;
  /** Rows with a model and a measured validation accuracy. */
  readonly measuredRows: number;
  readonly offered: RowWithinDrop<TimelineRow>;
}

export interface TradeOffTimeline {
  readonly maxValidationDropPoints: number;
  /** By alias name. */
  readonly aliases: AliasTimeline[];
  /** Oldest first. */
  readonly landedRuns: LandedRun[];
  /** True when older alias changes than TIMELINE_MAX_EVENTS exist and were left out. */
  readonly eventsTruncated: boolean;
  /** True when older finished runs than TIMELINE_MAX_RUNS exist and were left out. */
  readonly runsTruncated: boolean;
  readonly limits: { readonly events: number; readonly runs: number };
}

/**
 * The project's trade-off history (viewer or higher): every alias's promotions, moves and demotions
 * with the numbers stored at that moment, who and why; and every succeeded run with the row it
 * offered (smallestRowWithinDrop in the core), so a reviewer sees what was available against what
 * was promoted. Three reads whatever the history's length: the newest TIMELINE_MAX_EVENTS changes,
 * the newest TIMELINE_MAX_RUNS finished runs, and those runs' measured rows.
 */
export async function getTradeOffTimeline(
  store: Store,
  actor: UserActor,
  input: GetTradeOffTimelineInput,
): Promise<TradeOffTimeline> {
  await accessProject(store, actor, input.projectId, "viewer");
  const [events, runs] = await Promise.all([
    store.db.candidateEvent.findMany({
      where: { projectId: input.projectId },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: TIMELINE_MAX_EVENTS + 1,
      select: candidateEventSelect,
    }),
    store.db.run.findMany({
      where: { experiment: { projectId: input.projectId }, status: "succeeded", finishedAt: { not: null } },
      orderBy: [{ finishedAt: "desc" }, { id: "desc" }],
      take: TIMELINE_MAX_RUNS + 1,
      select: { id: true, seed: true, finishedAt: true, experiment: { select: { id: true, name: true } } },
    }),
  ]);
  const keptEvents = events.slice(0, TIMELINE_MAX_EVENTS).reverse();
  const keptRuns = runs.slice(0, TIMELINE_MAX_RUNS).reverse();

  const rows =
    keptRuns.length === 0
      ? []
      : await store.reads
          .selectFrom("ResultRow")
          .select([
            "id",
            "runId",
            "rowKey",
            "status",
            "bytes",
            "parameters",
            "validationAccuracy",
            "testAccuracy",
            "validationAccuracyDrop",
            "testAccuracyDrop",
          ])
          .where(
            "runId",
            "in",
            keptRuns.map((run) => run.id),
          )
          .where("status", "=", "ok")
          .where("validationAccuracyDrop", "is not", null)
          .execute();
  const rowsByRun = new Map<string, (typeof rows)[number][]>(keptRuns.map((run) => [run.id, []]));
  for (const row of rows) rowsByRun.get(row.runId)?.push(row);

  const landedRuns = keptRuns.map((run): LandedRun => {
    const measured = (rowsByRun.get(run.id) ?? []).map((row) => ({
      // The core breaks ties on `id`: the row key, readable and unique within the run.
      id: row.rowKey,
      status: "ok" as const,
      bytes: row.bytes,
      parameters: row.parameters,
      validationAccuracy: row.validationAccuracy,
      validationAccuracyDrop: row.validationAccuracyDrop,
      timelineRow: {
        resultRowId: row.id,
        runId: run.id,
        rowKey: row.rowKey,
        experimentId: run.experiment.id,
        experimentName: run.experiment.name,
        bytes: row.bytes,
        parameters: row.parameters,
        validationAccuracy: row.validationAccuracy,
        testAccuracy: row.testAccuracy,
        validationAccuracyDrop: row.validationAccuracyDrop,
        testAccuracyDrop: row.testAccuracyDrop,
      } satisfies TimelineRow,
    }));
    const pick = smallestRowWithinDrop(measured, { maxDropPoints: input.maxValidationDropPoints, sizeAxis: "bytes" });
    return {
      runId: run.id,
      experimentId: run.experiment.id,
      experimentName: run.experiment.name,
      seed: run.seed,
      finishedAt: run.finishedAt as Date,
      measuredRows: measured.length,
      offered: pick.kind === "within-drop" ? { kind: "within-drop", row: pick.row.timelineRow } : pick,
    };
  });

  const stepsByAlias = new Map<string, AliasStep[]>();
  for (const stored of keptEvents) {
    const event = toCandidateEventView(stored);
    const { snapshot } = event;
    const step: AliasStep = {
      eventId: event.id,
      at: event.createdAt,
      action: event.action,
      row: {
        resultRowId: event.action === "demoted" ? event.previousResultRowId : event.resultRowId,
        runId: snapshot.runId,
        rowKey: snapshot.rowKey,
        experimentId: snapshot.experimentId,
        experimentName: snapshot.experimentName,
        bytes: snapshot.bytes,
        parameters: snapshot.parameters,
        validationAccuracy: snapshot.validationAccuracy,
        testAccuracy: snapshot.testAccuracy,
        validationAccuracyDrop: snapshot.validationAccuracyDrop,
        testAccuracyDrop: snapshot.testAccuracyDrop,
      },
      actor: event.actor,
      note: event.note,
    };
    const steps = stepsByAlias.get(event.alias);
    if (steps === undefined) stepsByAlias.set(event.alias, [step]);
    else steps.push(step);
  }
  const aliases = [...stepsByAlias.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([alias, steps]): AliasTimeline => ({ alias, steps, assigned: steps.at(-1)?.action !== "demoted" }));

  return {
    maxValidationDropPoints: input.maxValidationDropPoints,
    aliases,
    landedRuns,
    eventsTruncated: events.length > TIMELINE_MAX_EVENTS,
    runsTruncated: runs.length > TIMELINE_MAX_RUNS,
    limits: { events: TIMELINE_MAX_EVENTS, runs: TIMELINE_MAX_RUNS },
  };
}
