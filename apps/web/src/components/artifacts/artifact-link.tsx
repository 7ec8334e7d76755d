import { Anchor } from "@mantine/core";
import type { ReactNode } from "react";

/** A download link to a stored file, carrying its sha256 (title for people, data attribute for checks). */
export function ArtifactLink({
  artifact,
  children,
}: {
  readonly artifact: { readonly downloadPath: string; readonly sha256: string };
  readonly children: ReactNode;
}) {
  return (
    <Anchor
      href={artifact.downloadPath}
      download
      size="sm"
      data-sha256={artifact.sha256}
      title={`sha256 ${artifact.sha256}`}
    >
      {children}
    </Anchor>
  );
}
