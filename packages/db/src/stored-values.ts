/**
 * How the better-sqlite3 driver adapter stores the Prisma types SQLite has no type for, and how
 * Prisma reads them back. The read path (reads/store-reads.ts) decodes with these so its results
 * equal what Prisma returns.
 *
 * - DateTime: TEXT, ISO 8601 with "+00:00" ("2026-11-28T08:09:59.123+00:00", the adapter's default
 *   `timestampFormat`); rows written by SQL defaults hold "2026-11-28 08:09:59" (UTC), and the
 *   adapter's "unixepoch-ms" format would hold epoch milliseconds. Prisma accepts all three.
 * - Boolean: INTEGER 1 / 0.
 * - Float: REAL (an integral value comes back as a plain number either way); Int: INTEGER.
 */

// Prisma's own normalisation (@prisma/client runtime, 6.19): a time with no zone is UTC.
const TIME_AT_END = /\d{2}:\d{2}:\d{2}(?:\.\d+)?(Z|[+-]\d{2}(:?\d{2})?)?$/;

/** A stored DateTime as the Date Prisma returns for it (drivers that return Dates pass them through). */
export function storedDateTime(value: Date | string | number): Date {
  if (value instanceof Date) return value;
  if (typeof value === "number") return new Date(value);
  // The adapter's own format, which Date parses as it is.
  if (value.length === 29 && value[10] === "T" && value.endsWith("+00:00")) return new Date(value);
  const time = TIME_AT_END.exec(value);
  if (time === null) return new Date(`${value}T00:00:00Z`);
  const [whole, zone, zoneMinutes] = time;
  let text = value;
  if (zone === undefined) text = `${value}Z`;
  else if (zone !== "Z" && zoneMinutes === undefined) text = `${value}:00`;
  if (whole.length === value.length) return new Date(`1970-01-01T${text}`);
  const separator = time.index - 1;
  if (text[separator] === " ") text = `${text.slice(0, separator)}T${text.slice(separator + 1)}`;
  return new Date(text);
}

/** A nullable stored DateTime as Prisma returns it. */
export function storedDateTimeOrNull(value: Date | string | number | null): Date | null {
  return value === null ? null : storedDateTime(value);
}

/**
 * A Date bound as a query parameter exactly as the adapter binds it, so that comparisons on
 * DateTime columns (text comparisons in SQLite) select the same rows as Prisma's filters.
 */
export function dateTimeParameter(date: Date): string {
  return date.toISOString().replace("Z", "+00:00");
}

/** A stored Boolean as Prisma reads it. */
export function storedBoolean(value: number | string | boolean): boolean {
  if (typeof value === "boolean") return value;
  if (typeof value === "number") return value === 1;
  return value === "true" || value === "TRUE" || value === "1";
}
