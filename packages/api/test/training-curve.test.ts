import { describe, expect, it } from "vitest";
import { appendToTrainingCurve, MAX_TRAINING_CURVE_POINTS } from "../src/domain/queue/training-curve.js";

const step = (epoch: number, batch: number) => ({ epoch, batch, loss: 1 / batch, accuracy: 0.5 });

describe("appendToTrainingCurve", () => {
  it("starts a curve and appends the same attempt's steps in order", () => {
    const first = appendToTrainingCurve(null, 1, [step(1, 10)]);
    const second = appendToTrainingCurve(JSON.stringify(first), 1, [step(1, 20), step(1, 30)]);
    expect(second).toEqual({ attempt: 1, points: [step(1, 10), step(1, 20), step(1, 30)] });
  });

  it("replaces an earlier attempt's curve: the new attempt trains from scratch", () => {
    const earlier = JSON.stringify(appendToTrainingCurve(null, 1, [step(1, 10), step(1, 20)]));
    expect(appendToTrainingCurve(earlier, 2, [step(1, 10)])).toEqual({ attempt: 2, points: [step(1, 10)] });
  });

  it("keeps the epochs before a later attempt's first one: it went on from a training checkpoint", () => {
    const earlier = JSON.stringify(appendToTrainingCurve(null, 1, [step(1, 10), step(2, 10), step(3, 10), step(4, 5)]));
    // The killed attempt's checkpoint was of epoch 3: its partial epoch 4 is replaced by the new one's.
    const resumed = appendToTrainingCurve(earlier, 2, [step(4, 10)]);
    expect(resumed).toEqual({
      attempt: 2,
      points: [step(1, 10), step(2, 10), step(3, 10), step(4, 10)],
    });
  });

  it("thins the older half of a long curve instead of cutting its start", () => {
    const many = Array.from({ length: MAX_TRAINING_CURVE_POINTS + 1 }, (_, i) => step(1, i + 1));
    const curve = appendToTrainingCurve(null, 1, many);
    expect(curve.points.length).toBeLessThanOrEqual(MAX_TRAINING_CURVE_POINTS);
    expect(curve.points[0]).toEqual(step(1, 1));
    expect(curve.points.at(-1)).toEqual(step(1, MAX_TRAINING_CURVE_POINTS + 1));
  });
});
