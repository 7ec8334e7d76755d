import { Anchor, Text } from "@mantine/core";
import type { CSSProperties, ReactNode } from "react";

// A plain <a> with what Mantine's <Anchor size="sm"> puts on it (its classes, size and underline
// attributes): a run's artifact table lists ~50 files, and an Anchor component per link was a
// noticeable part of the run page's render and hydration.
const LINK_CLASS = `mantine-focus-auto ${Anchor.classes.root} ${Text.classes.root} mantine-Text-root mantine-Anchor-root`;
const LINK_STYLE = {
  "--text-fz": "var(--mantine-font-size-sm)",
  "--text-lh": "var(--mantine-line-height-sm)",
} as CSSProperties;

/** A download link to a stored file, carrying its sha256 (title for people, data attribute for checks). */
export function ArtifactLink({
  artifact,
  children,
}: {
  readonly artifact: { readonly downloadPath: string; readonly sha256: string };
  readonly children: ReactNode;
}) {
  return (
    <a
      className={LINK_CLASS}
      style={LINK_STYLE}
      data-size="sm"
      data-underline="hover"
      href={artifact.downloadPath}
      download
      data-sha256={artifact.sha256}
      title={`sha256 ${artifact.sha256}`}
    >
      {children}
    </a>
  );
}
