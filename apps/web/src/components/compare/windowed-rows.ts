"use client";

import { type UIEvent, useState } from "react";

export interface WindowedRows {
  /** The first row to render, and one past the last. */
  readonly first: number;
  readonly end: number;
  /** Heights of the empty rows that stand in for the rows above and below. */
  readonly spaceBefore: number;
  readonly spaceAfter: number;
  /** For the scroll box's onScroll. */
  readonly onScroll: (event: UIEvent<HTMLElement>) => void;
}

/**
 * Which rows of a long table (200 runs) to render: the ones in view in its scroll box of
 * `viewportHeight`, plus `overscan` on each side. Rows must be `rowHeight` tall. Rendering 12 rows
 * instead of 200 is what keeps a page of two such tables quick to load and to update.
 */
export function useWindowedRows(count: number, rowHeight: number, viewportHeight: number, overscan = 8): WindowedRows {
  const [scrollTop, setScrollTop] = useState(0);
  const first = Math.max(0, Math.min(count, Math.floor(scrollTop / rowHeight) - overscan));
  const end = Math.min(count, Math.ceil((scrollTop + viewportHeight) / rowHeight) + overscan);
  return {
    first,
    end,
    spaceBefore: first * rowHeight,
    spaceAfter: Math.max(0, count - end) * rowHeight,
    onScroll: (event) => setScrollTop(event.currentTarget.scrollTop),
  };
}
