import { ARTIFACT_HTTP_PATH } from "@deadweight/protocol";

/** What a reader of an artifact's metadata sees: explicit, so a new column never leaks by accident. */
export const artifactSelect = {
  id: true,
  runId: true,
  resultRowId: true,
  kind: true,
  name: true,
  sizeBytes: true,
  sha256: true,
  contentType: true,
  createdAt: true,
} as const;

export interface ArtifactView {
  readonly id: string;
  readonly runId: string;
  readonly resultRowId: string | null;
  readonly kind: string;
  readonly name: string;
  readonly sizeBytes: number;
  readonly sha256: string;
  readonly contentType: string;
  readonly createdAt: Date;
  /** Where the bytes are served (plain HTTP, beside tRPC). */
  readonly downloadPath: string;
}

export { ARTIFACT_HTTP_PATH };

export function toArtifactView(artifact: Omit<ArtifactView, "downloadPath">): ArtifactView {
  return { ...artifact, downloadPath: `${ARTIFACT_HTTP_PATH}/${encodeURIComponent(artifact.id)}` };
}
