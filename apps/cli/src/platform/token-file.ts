import { chmodSync, readFileSync, writeFileSync } from "node:fs";

/**
 * A token kept in a file of the data directory (one line, readable by this user only), reused
 * while the server still accepts it and replaced when it does not (revoked, or a new store).
 */
export async function loadOrCreateToken(
  file: string,
  isValid: (token: string) => Promise<boolean>,
  create: () => Promise<string>,
): Promise<{ readonly token: string; readonly created: boolean }> {
  const stored = readToken(file);
  if (stored !== null && (await isValid(stored))) return { token: stored, created: false };
  const token = await create();
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  // The mode only applies when the file is created; an existing file is narrowed too.
  chmodSync(file, 0o600);
  return { token, created: true };
}

function readToken(file: string): string | null {
  try {
    const token = readFileSync(file, "utf8").trim();
    return token === "" ? null : token;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}
