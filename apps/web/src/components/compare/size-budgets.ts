/** Size budgets for the "best row per budget" table: round numbers spread evenly (log scale) over the sizes seen. */
export function defaultSizeBudgets(sizes: readonly number[], count = 5): number[] {
  const positive = sizes.filter((size) => size > 0);
  if (positive.length === 0) return [];
  const low = Math.min(...positive);
  const high = Math.max(...positive);
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

export interface BudgetPick {
  readonly size: number;
  readonly validationAccuracy: number;
  readonly testAccuracy: number;
  readonly rowKey: string;
  readonly resultRowId: string;
}

/**
 * The row of a run a person would ship under a budget: among its points that fit, the one with the
 * best validation accuracy (test accuracy is reported, never used to choose); null when none fits.
 */
export function bestUnderBudget<T extends BudgetPick>(points: readonly T[], budget: number): T | null {
  let best: T | null = null;
  for (const point of points) {
    if (point.size > budget) continue;
    if (best === null || point.validationAccuracy > best.validationAccuracy) best = point;
  }
  return best;
}
