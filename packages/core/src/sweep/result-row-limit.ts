/**
 * The most sweep rows one run's results may hold: the API refuses larger results, and a server's
 * experiment limits may not allow a grid with more thresholds than this.
 */
export const MAX_RESULT_ROWS = 10_000;
