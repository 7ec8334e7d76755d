const KB = 1024;
const MB = 1024 * 1024;

/** Formats a byte count as "512 B", "1.5 KB" or "3.2 MB" (1 KB = 1024 B); larger sizes stay in MB. */
export function formatBytes(n: number): string {
  const abs = Math.abs(n);
  if (Math.round(abs) < KB) return `${Math.round(n)} B`;
  // Pick the unit after rounding so 1048575 B reads "1.0 MB", not "1024.0 KB".
  const kb = Math.round((n / KB) * 10) / 10;
  if (Math.abs(kb) < 1024) return `${kb.toFixed(1)} KB`;
  return `${(n / MB).toFixed(1)} MB`;
}
