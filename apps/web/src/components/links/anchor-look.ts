import { Anchor, Text } from "@mantine/core";
import type { CSSProperties } from "react";

/**
 * What Mantine's <Anchor size="sm"> puts on its element (classes, size and underline attributes,
 * text size variables), for links repeated in long lists (a run's ~50 files, a table row per run)
 * written as plain <a> or next/link: the same look without an Anchor component per link, which was a
 * noticeable part of those pages' render and hydration.
 */
export const ANCHOR_LOOK = {
  className: `mantine-focus-auto ${Anchor.classes.root} ${Text.classes.root} mantine-Text-root mantine-Anchor-root`,
  style: { "--text-fz": "var(--mantine-font-size-sm)", "--text-lh": "var(--mantine-line-height-sm)" } as CSSProperties,
  "data-size": "sm",
  "data-underline": "hover",
} as const;
