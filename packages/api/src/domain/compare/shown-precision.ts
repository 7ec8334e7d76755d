/**
 * Compare answers carry numbers to the precision a reader can see, not a float's 17 digits: at 200
 * runs, full-precision accuracies were about a third of the answer's bytes. An accuracy keeps five
 * decimals (0.001 percentage points, ten times finer than any table or tooltip shows); a size (bytes
 * or parameters) is a whole number.
 */
export const SHOWN_ACCURACY_DECIMALS = 5;

const ACCURACY_SCALE = 10 ** SHOWN_ACCURACY_DECIMALS;

/** An accuracy (a fraction in [0, 1]) rounded to SHOWN_ACCURACY_DECIMALS decimals. */
export function shownAccuracy(accuracy: number): number {
  return Math.round(accuracy * ACCURACY_SCALE) / ACCURACY_SCALE;
}

/** A size in bytes or parameters as a whole number. */
export function shownSize(size: number): number {
  return Math.round(size);
}
