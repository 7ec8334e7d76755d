import { describe, expect, it } from "vitest";
import { paretoFrontier } from "../../src/sweep/pareto-frontier.js";

describe("paretoFrontier", () => {
  it("keeps the points no other point beats on both size and accuracy", () => {
    const points = [
      { size: 100, accuracy: 0.98 }, // the largest, but the most accurate: kept
      { size: 60, accuracy: 0.97 }, // kept
      { size: 70, accuracy: 0.96 }, // dominated by #1 (smaller and more accurate)
      { size: 60, accuracy: 0.95 }, // same size as #1, less accurate: dominated
      { size: 20, accuracy: 0.9 }, // the smallest: kept
      { size: 30, accuracy: 0.9 }, // same accuracy as #4, larger: dominated
    ];
    expect([...paretoFrontier(points)].sort()).toEqual([0, 1, 4]);
  });

  it("keeps all copies of an equal point", () => {
    const points = [
      { size: 10, accuracy: 0.5 },
      { size: 10, accuracy: 0.5 },
      { size: 20, accuracy: 0.4 },
    ];
    expect([...paretoFrontier(points)].sort()).toEqual([0, 1]);
  });

  it("keeps a single point, and returns nothing for no points", () => {
    expect([...paretoFrontier([{ size: 5, accuracy: 0.1 }])]).toEqual([0]);
    expect(paretoFrontier([]).size).toBe(0);
  });

  it("keeps a whole trade-off curve where every point is smaller but less accurate than the next", () => {
    const curve = [1, 2, 3, 4].map((size) => ({ size, accuracy: size / 10 }));
    expect([...paretoFrontier(curve)].sort()).toEqual([0, 1, 2, 3]);
  });
});
