import { type StoreReads, storedDateTimeOrNull } from "@deadweight/db";
import type { DbOrTransaction } from "../../audit/record-audit.js";
import { AppError } from "../../errors/app-error.js";
import type { Store } from "../../store/store.js";

export const heldRunSelect = {
  id: true,
  status: true,
  attempt: true,
  maxAttempts: true,
  worker: true,
  leaseSeconds: true,
  leaseExpiresAt: true,
} as const;

export interface HeldRun {
  readonly id: string;
  readonly status: string;
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly worker: string | null;
  readonly leaseSeconds: number;
  readonly leaseExpiresAt: Date | null;
}

/** The state of a run a worker reports on (its team already checked). */
export function loadHeldRun(tx: DbOrTransaction, runId: string): Promise<HeldRun> {
  return tx.run.findUniqueOrThrow({ where: { id: runId }, select: heldRunSelect });
}

/** True when the worker holding claim `attempt` still holds the run: it is running under that claim. */
export function stillHeld(run: HeldRun, attempt: number): boolean {
  return run.status === "running" && run.attempt === attempt;
}

/**
 * The run, if the worker's claim `attempt` still holds it; otherwise a CONFLICT saying what became
 * of the run, so the worker (and whoever reads its log) knows why it must stop.
 */
export async function requireHeldRun(tx: DbOrTransaction, runId: string, attempt: number): Promise<HeldRun> {
  const run = await loadHeldRun(tx, runId);
  if (!stillHeld(run, attempt)) throw await lostHold(tx, run, attempt);
  return run;
}

/** "run X attempt N is no longer yours (why)": CONFLICT for a report on a claim that has ended. */
export async function lostHold(tx: DbOrTransaction, run: HeldRun, attempt: number): Promise<AppError> {
  return new AppError(
    "CONFLICT",
    `run ${run.id} attempt ${attempt} is no longer yours (${await whatBecameOf(tx, run, attempt)}); stop working on it`,
    "attempt",
  );
}

async function whatBecameOf(tx: DbOrTransaction, run: HeldRun, attempt: number): Promise<string> {
  if (attempt > run.attempt) return `the run has only been claimed ${run.attempt} time(s)`;
  if (run.status === "canceled") return "it was canceled";
  const ended = await tx.runAttempt.findUnique({
    where: { runId_attempt: { runId: run.id, attempt } },
    select: { outcome: true, endedAt: true },
  });
  const how =
    ended?.outcome === "lease-expired"
      ? `its lease expired${ended.endedAt === null ? "" : ` (noticed at ${ended.endedAt.toISOString()})`} because no heartbeat came in time`
      : ended?.outcome === "released"
        ? "it was released"
        : ended?.outcome === "failed"
          ? "it failed"
          : ended?.outcome === "succeeded"
            ? "it succeeded"
            : "that claim ended";
  if (run.attempt > attempt) {
    return `${how}; it is now at attempt ${run.attempt}, ${run.status}${run.worker === null ? "" : ` (worker "${run.worker}")`}`;
  }
  return run.status === "queued" ? `${how} and it went back to the queue` : `${how}; the run is ${run.status}`;
}

/**
 * For a worker's artifact upload: the run must be running, under claim `attempt` when the worker
 * names it. (Any worker token of the team may upload to its running runs; naming the attempt also
 * fences off a worker whose claim has ended.) A check before the bytes, outside any transaction, so
 * it reads through the typed read path: a run's uploads (a dozen or more) each made this lookup
 * through Prisma, whose query compilation cost about a millisecond of the server's CPU each time.
 */
export async function requireRunningRun(
  store: Pick<Store, "db" | "reads">,
  runId: string,
  attempt: number | undefined,
): Promise<HeldRun> {
  const run = await readHeldRun(store.reads, runId);
  if (attempt !== undefined) {
    if (!stillHeld(run, attempt)) throw await lostHold(store.db, run, attempt);
    return run;
  }
  if (run.status !== "running") {
    throw new AppError(
      "CONFLICT",
      `run ${runId} is ${run.status}, not running; a worker token uploads artifacts only to runs it holds`,
      "runId",
    );
  }
  return run;
}

/** heldRunSelect's columns, for the read path. */
const HELD_RUN_COLUMNS = Object.keys(heldRunSelect) as (keyof typeof heldRunSelect)[];

/** loadHeldRun through the read path (a run that is gone: NOT_FOUND, as Prisma's findUniqueOrThrow would fail). */
async function readHeldRun(reads: StoreReads, runId: string): Promise<HeldRun> {
  const run = await reads.selectFrom("Run").select(HELD_RUN_COLUMNS).where("id", "=", runId).executeTakeFirst();
  if (run === undefined) throw AppError.notFound("run", runId);
  return { ...run, leaseExpiresAt: storedDateTimeOrNull(run.leaseExpiresAt) };
}
