/** A point to rank: smaller size and higher accuracy are both better. */
export interface TradeOffPoint {
  readonly size: number;
  readonly accuracy: number;
}

/**
 * Indices of the points no other point dominates (another point at most as large and at least as
 * accurate, and strictly better in one of the two). Equal points are all kept.
 */
export function paretoFrontier(points: readonly TradeOffPoint[]): Set<number> {
  const frontier = new Set<number>();
  points.forEach((point, index) => {
    const dominated = points.some(
      (other) =>
        other.size <= point.size &&
        other.accuracy >= point.accuracy &&
        (other.size < point.size || other.accuracy > point.accuracy),
    );
    if (!dominated) frontier.add(index);
  });
  return frontier;
}
