/** Size budgets for the "best row per budget" table: round numbers spread evenly (log scale) over the sizes seen. */
export function defaultSizeBudgets(sizes: readonly number[], count = 5): number[] {
  let low = Number.POSITIVE_INFINITY;
  let high = 0;
  // A loop, not Math.min(...sizes): 200 runs of points would be as many call arguments.
  for (const size of sizes) {
    if (size <= 0) continue;
    if (size < low) low = size;
    if (size > high) high = size;
  }
  if (high === 0) return [];
  if (low === high) return [roundUp(high)];
  const budgets = new Set<number>();
  for (let i = 0; i < count; i++) {
    budgets.add(roundUp(low * (high / low) ** (i / (count - 1))));
  }
  return [...budgets].sort((a, b) => a - b);
}

/** Up to two significant digits, rounded up, so the largest model still fits the largest budget. */
function roundUp(value: number): number {
  const magnitude = 10 ** Math.max(0, Math.floor(Math.log10(value)) - 1);
  return Math.ceil(value / magnitude) * magnitude;
}

/** A run's trade-off points as compare sends them: columns, smallest size first. */
export interface BudgetColumns {
  readonly sizes: readonly number[];
  readonly validationAccuracies: readonly number[];
}

/**
 * The row of a run a person would ship under a budget: among its points that fit, the one with the
 * best validation accuracy (test accuracy is reported, never used to choose; the smallest such point
 * on a tie); its index in the columns, or null when none fits. The answer is always a frontier point
 * (any point it beat would be dominated), so the frontier columns compare sends by default suffice.
 */
export function bestUnderBudget(points: BudgetColumns, budget: number): number | null {
  let best: number | null = null;
  for (const [i, size] of points.sizes.entries()) {
    if (size > budget) continue;
    const accuracy = points.validationAccuracies[i] ?? Number.NEGATIVE_INFINITY;
    if (best === null || accuracy > (points.validationAccuracies[best] ?? Number.NEGATIVE_INFINITY)) best = i;
  }
  return best;
}
