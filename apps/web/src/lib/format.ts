/** How numbers and times read on every page. */

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(2)} MB`;
}

export function formatCount(value: number): string {
  return value.toLocaleString("en-US");
}

/** An accuracy fraction as a percentage with two decimals ("97.79%"); "–" when unknown. */
export function formatAccuracy(fraction: number | null | undefined): string {
  return fraction === null || fraction === undefined ? "–" : `${(fraction * 100).toFixed(2)}%`;
}

/** A signed drop in percentage points ("-0.22 pts" reads as a loss of 0.22 points). */
export function formatDrop(points: number | null | undefined): string {
  if (points === null || points === undefined) return "–";
  return `${points > 0 ? "−" : "+"}${Math.abs(points).toFixed(2)} pts`;
}

export function formatPercent(value: number | null | undefined, digits = 1): string {
  return value === null || value === undefined ? "–" : `${value.toFixed(digits)}%`;
}

export function formatSeconds(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return "–";
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${Math.round(seconds - minutes * 60)} s`;
}

export function formatDateTime(iso: string | null | undefined): string {
  if (iso === null || iso === undefined) return "–";
  return new Date(iso).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" });
}

export function formatLatency(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? "–" : `${(ms * 1000).toFixed(1)} µs`;
}
