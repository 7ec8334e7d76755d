import { z } from "zod";

/** Input of every list: an opaque cursor (the last id of the previous page) and a page size. */
export const pageInput = z.object({
  cursor: z.string().min(1).optional(),
  limit: z.number().int().min(1).max(100).default(25),
});
export type PageInput = z.infer<typeof pageInput>;

export interface Page<T> {
  readonly items: T[];
  /** Pass as `cursor` to get the next page; null on the last page. */
  readonly nextCursor: string | null;
}

/**
 * Prisma arguments for one page ordered by a stable key ending in `id`: fetch one extra row to
 * know whether another page follows.
 */
export function pageQuery(page: PageInput) {
  return {
    take: page.limit + 1,
    ...(page.cursor === undefined ? {} : { cursor: { id: page.cursor }, skip: 1 }),
  };
}

/** Cuts the extra row fetched by pageQuery and derives the next cursor. */
export function toPage<T extends { id: string }>(rows: T[], page: PageInput): Page<T> {
  const items = rows.slice(0, page.limit);
  return { items, nextCursor: rows.length > page.limit ? (items[items.length - 1]?.id ?? null) : null };
}
