import type { ReactNode } from "react";
import { ANCHOR_LOOK } from "@/components/links/anchor-look";

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
      {...ANCHOR_LOOK}
      href={artifact.downloadPath}
      download
      data-sha256={artifact.sha256}
      title={`sha256 ${artifact.sha256}`}
    >
      {children}
    </a>
  );
}
