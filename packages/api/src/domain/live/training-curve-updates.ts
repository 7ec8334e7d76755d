import type { TrainingTracePoint } from "@deadweight/protocol";

/**
 * run.watch sends a run's training curve as a log is tailed: the whole curve in a subscription's
 * first update, then only the points added since the update before. The rest of each update is the
 * run's whole state. A curve of 4,000 points is 300 KB of JSON, and sending it to every viewer on
 * every progress report was most of what live viewers cost the server.
 *
 * This module is both sides of that contract: the server's `trainingCurveUpdate` and the
 * client's `withTrainingCurveUpdate`.
 */

/** The training curve as run.get sends it (the latest attempt that trained). */
export interface CurveOfAttempt {
  readonly attempt: number;
  readonly points: readonly TrainingTracePoint[];
}

/** What one subscription has sent of the curve so far. */
export interface SentCurve {
  readonly attempt: number;
  readonly length: number;
  /** The last point sent, to notice a curve that was thinned (rewritten) rather than appended to. */
  readonly last: TrainingTracePoint | null;
}

/** The curve part of one pushed update. */
export interface CurveUpdate {
  /** The points to send: the whole curve when `from` is 0, else only the points after the first `from`. */
  readonly trainingCurve: CurveOfAttempt | null;
  /** How many of the curve's points the receiver already has and keeps; 0 = replace the curve. */
  readonly trainingCurveFrom: number;
}

/**
 * The curve part of the next update of a subscription that has `sent` so far (null: nothing yet),
 * and what it will have sent after it. The points after the ones sent go out when the curve is the
 * same attempt and its first `sent.length` points are unchanged (its point at `sent.length - 1` is
 * the last one sent); otherwise (a new attempt, a thinned or replaced curve) the whole curve does.
 */
export function trainingCurveUpdate(
  sent: SentCurve | null,
  curve: CurveOfAttempt | null,
): { readonly update: CurveUpdate; readonly sent: SentCurve | null } {
  if (curve === null) return { update: { trainingCurve: null, trainingCurveFrom: 0 }, sent: null };
  const last = curve.points.at(-1) ?? null;
  const now: SentCurve = { attempt: curve.attempt, length: curve.points.length, last };
  if (sent !== null && sent.attempt === curve.attempt && startsWithWhatWasSent(curve.points, sent)) {
    return {
      update: {
        trainingCurve: { attempt: curve.attempt, points: curve.points.slice(sent.length) },
        trainingCurveFrom: sent.length,
      },
      sent: now,
    };
  }
  return { update: { trainingCurve: curve, trainingCurveFrom: 0 }, sent: now };
}

/**
 * The curve a receiver holds after an update: `held` with the update's points added, or the
 * update's curve when it replaces the whole. Null when the update adds to a curve the receiver does
 * not hold as the server thinks it does (another attempt, or fewer points): it must read the whole
 * run again (run.get).
 */
export function withTrainingCurveUpdate(
  held: CurveOfAttempt | null | undefined,
  update: CurveUpdate,
): { readonly trainingCurve: CurveOfAttempt | null } | null {
  if (update.trainingCurveFrom === 0) return { trainingCurve: update.trainingCurve };
  const added = update.trainingCurve;
  if (
    held == null ||
    added === null ||
    held.attempt !== added.attempt ||
    held.points.length !== update.trainingCurveFrom
  )
    return null;
  return { trainingCurve: { attempt: held.attempt, points: [...held.points, ...added.points] } };
}

function startsWithWhatWasSent(points: readonly TrainingTracePoint[], sent: SentCurve): boolean {
  if (points.length < sent.length) return false;
  if (sent.length === 0) return true;
  const atEnd = points[sent.length - 1];
  return (
    atEnd !== undefined &&
    sent.last !== null &&
    atEnd.epoch === sent.last.epoch &&
    atEnd.batch === sent.last.batch &&
    atEnd.loss === sent.last.loss
  );
}
