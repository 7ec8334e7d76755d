/**
 * How many runs one comparison takes. The API refuses more, and the dashboard's selection stops here;
 * both import it from this file (`@deadweight/api/compare-limits`, which imports nothing, so a browser
 * bundle can take it). 200 runs of frontier points answer in well under a second (bench:dashboard).
 */
export const MAX_COMPARED_RUNS = 200;
