import { fileURLToPath } from "node:url";

/** Where artifact bytes live: a local folder, or a bucket (and key prefix) of an S3-compatible service. */
export type ArtifactLocation =
  | { readonly kind: "folder"; readonly path: string }
  | { readonly kind: "s3"; readonly bucket: string; readonly prefix: string };

// S3's rules for bucket names (lowercase letters, digits, dots and hyphens; 3 to 63 characters).
const BUCKET_PATTERN = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** "s3://bucket/prefix" is a bucket, a file:// URL or any other text a folder; an Error naming the fault otherwise. */
export function parseArtifactLocation(location: string): ArtifactLocation {
  const problem = (what: string) =>
    new Error(`artifact location "${location}": ${what}; give a folder or s3://<bucket>/<prefix>`);
  if (location.trim() === "") throw problem("it is empty");
  if (location.startsWith("file://")) return { kind: "folder", path: fileURLToPath(location) };
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(location)?.[1];
  if (scheme === undefined) return { kind: "folder", path: location };
  if (scheme !== "s3") throw problem(`"${scheme}://" is not supported`);
  const rest = location.slice("s3://".length);
  const slash = rest.indexOf("/");
  const bucket = slash === -1 ? rest : rest.slice(0, slash);
  const prefix = slash === -1 ? "" : rest.slice(slash + 1).replace(/\/+$/, "");
  if (!BUCKET_PATTERN.test(bucket)) {
    throw problem(`"${bucket}" is not a bucket name (3-63 lowercase letters, digits, dots and hyphens)`);
  }
  // Keys are not paths, but an empty, "." or ".." segment would be rewritten by some HTTP stacks.
  if (prefix !== "" && prefix.split("/").some((segment) => segment === "" || segment === "." || segment === "..")) {
    throw problem(`the prefix "${prefix}" has an empty, "." or ".." segment`);
  }
  return { kind: "s3", bucket, prefix };
}
