import { randomBytes } from "node:crypto";
import { chmodSync, readFileSync, statSync, writeFileSync } from "node:fs";

/**
 * The auth secret kept in the data directory: created on first start (32 random bytes, readable by
 * this user only) and reused afterwards, so sessions survive restarts without any configuration.
 */
export function loadOrCreateAuthSecret(file: string): { secret: string; created: boolean } {
  try {
    writeFileSync(file, `${randomBytes(32).toString("base64url")}\n`, { mode: 0o600, flag: "wx" });
    return { secret: readSecret(file), created: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  // Someone (a restore, a copy) may have widened the permissions: the secret signs every session.
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  return { secret: readSecret(file), created: false };
}

function readSecret(file: string): string {
  const secret = readFileSync(file, "utf8").trim();
  if (secret.length < 32) {
    throw new Error(`the auth secret in ${file} is shorter than 32 characters; delete the file to have a new one made`);
  }
  return secret;
}
