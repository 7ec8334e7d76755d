import { describe, expect, it } from "vitest";
import {
  type CurveOfAttempt,
  trainingCurveUpdate,
  withTrainingCurveUpdate,
} from "../src/domain/live/training-curve-updates.js";

// run.watch's training curve, sent as a log is tailed: both sides of the contract on hand-made curves.
const point = (epoch: number, batch: number, loss: number) => ({ epoch, batch, loss, accuracy: 0.5 });
const curve = (attempt: number, ...points: ReturnType<typeof point>[]): CurveOfAttempt => ({ attempt, points });

describe("trainingCurveUpdate (server side)", () => {
  it("sends the whole curve first, then only the points added since the update before", () => {
    const first = trainingCurveUpdate(null, curve(1, point(1, 10, 2), point(1, 20, 1.5)));
    expect(first.update).toEqual({ trainingCurve: curve(1, point(1, 10, 2), point(1, 20, 1.5)), trainingCurveFrom: 0 });

    const grown = curve(1, point(1, 10, 2), point(1, 20, 1.5), point(1, 30, 1.2), point(2, 10, 1));
    const second = trainingCurveUpdate(first.sent, grown);
    expect(second.update).toEqual({
      trainingCurve: curve(1, point(1, 30, 1.2), point(2, 10, 1)),
      trainingCurveFrom: 2,
    });

    const unchanged = trainingCurveUpdate(second.sent, grown);
    expect(unchanged.update).toEqual({ trainingCurve: curve(1), trainingCurveFrom: 4 });
  });

  it("sends the whole curve again when it belongs to another attempt or was thinned", () => {
    const sent = trainingCurveUpdate(null, curve(1, point(1, 10, 2), point(1, 20, 1.5))).sent;
    const retried = curve(2, point(1, 10, 2.1), point(1, 20, 1.6), point(1, 30, 1.3));
    expect(trainingCurveUpdate(sent, retried).update.trainingCurveFrom).toBe(0);
    // Thinned: every other older point dropped, so the point at the old end is another one.
    const thinned = curve(1, point(1, 10, 2), point(1, 30, 1.2), point(2, 10, 1));
    expect(trainingCurveUpdate(sent, thinned).update).toEqual({ trainingCurve: thinned, trainingCurveFrom: 0 });
    const shorter = curve(1, point(1, 10, 2));
    expect(trainingCurveUpdate(sent, shorter).update.trainingCurveFrom).toBe(0);
  });

  it("sends no curve while the run has none, and the whole one once it has", () => {
    const none = trainingCurveUpdate(null, null);
    expect(none).toEqual({ update: { trainingCurve: null, trainingCurveFrom: 0 }, sent: null });
    expect(trainingCurveUpdate(none.sent, curve(1, point(1, 10, 2))).update.trainingCurveFrom).toBe(0);
  });
});

describe("withTrainingCurveUpdate (client side)", () => {
  it("replaces the held curve with a whole one, and adds new points to the one it holds", () => {
    expect(withTrainingCurveUpdate(null, { trainingCurve: curve(1, point(1, 10, 2)), trainingCurveFrom: 0 })).toEqual({
      trainingCurve: curve(1, point(1, 10, 2)),
    });
    expect(
      withTrainingCurveUpdate(curve(1, point(1, 10, 2)), {
        trainingCurve: curve(1, point(1, 20, 1)),
        trainingCurveFrom: 1,
      }),
    ).toEqual({ trainingCurve: curve(1, point(1, 10, 2), point(1, 20, 1)) });
    expect(withTrainingCurveUpdate(curve(1, point(1, 10, 2)), { trainingCurve: null, trainingCurveFrom: 0 })).toEqual({
      trainingCurve: null,
    });
  });

  it("says the run must be read again when the new points do not follow the curve it holds", () => {
    const added = { trainingCurve: curve(1, point(1, 30, 1)), trainingCurveFrom: 2 };
    expect(withTrainingCurveUpdate(undefined, added)).toBeNull();
    expect(withTrainingCurveUpdate(curve(1, point(1, 10, 2)), added)).toBeNull();
    expect(withTrainingCurveUpdate(curve(2, point(1, 10, 2), point(1, 20, 1)), added)).toBeNull();
  });

  it("rebuilds, update by update, exactly the curve the server holds", () => {
    const states = [
      curve(1, point(1, 10, 2)),
      curve(1, point(1, 10, 2), point(1, 20, 1.5)),
      curve(1, point(1, 10, 2), point(1, 30, 1.2), point(2, 10, 1)),
      curve(2, point(1, 10, 2.5)),
      curve(2, point(1, 10, 2.5), point(1, 20, 2)),
    ];
    let sent = null as ReturnType<typeof trainingCurveUpdate>["sent"];
    let held: CurveOfAttempt | null = null;
    for (const state of states) {
      const next = trainingCurveUpdate(sent, state);
      sent = next.sent;
      held = withTrainingCurveUpdate(held, next.update)?.trainingCurve ?? null;
      expect(held).toEqual(state);
    }
  });
});
