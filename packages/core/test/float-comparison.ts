import { expect } from "vitest";

/**
 * Asserts |actual[i] - expected[i]| <= relative * |expected[i]| + absolute for every i, and reports
 * the worst element on failure.
 */
export function expectAllClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tolerance: { readonly relative: number; readonly absolute?: number },
): void {
  expect(actual.length).toBe(expected.length);
  const absolute = tolerance.absolute ?? 0;
  let worst = { index: -1, excess: 0 };
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] as number;
    const e = expected[i] as number;
    const allowed = tolerance.relative * Math.abs(e) + absolute;
    const excess = Number.isNaN(a) || Number.isNaN(e) ? Number.POSITIVE_INFINITY : Math.abs(a - e) - allowed;
    if (excess > worst.excess) worst = { index: i, excess };
  }
  if (worst.index >= 0) {
    const i = worst.index;
    expect.fail(`element ${i}: got ${actual[i]}, expected ${expected[i]} (beyond tolerance by ${worst.excess})`);
  }
}
