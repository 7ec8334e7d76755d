import { z } from "zod";

/**
 * A point in time as a Date (createCaller) or an ISO 8601 string (JSON over HTTP, which has no
 * Date type). Anything else is rejected rather than coerced, so `null` never means 1970.
 */
export const dateInput = z.union([z.date(), z.iso.datetime({ offset: true })]).transform((value) => new Date(value));

/** An inclusive range of times; either end may be left open. */
export const dateRangeInput = z
  .object({ from: dateInput.optional(), to: dateInput.optional() })
  .refine((range) => range.from === undefined || range.to === undefined || range.from <= range.to, {
    message: "must not be before `from`",
    path: ["to"],
  });
export type DateRangeInput = z.output<typeof dateRangeInput>;

/** The Prisma filter for a DateTime column, or undefined when the range is open on both ends. */
export function dateRangeWhere(range: DateRangeInput | undefined) {
  if (range === undefined || (range.from === undefined && range.to === undefined)) return undefined;
  return {
    ...(range.from === undefined ? {} : { gte: range.from }),
    ...(range.to === undefined ? {} : { lte: range.to }),
  };
}
