import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from "node:fs";
import { dirname } from "node:path";

/**
 * Makes sure the SQLite file exists readable by this user only (0600), in a folder it created
 * 0700 when missing: the file holds password hashes and session tokens. SQLite gives its -wal and
 * -shm files the database file's permissions, so they are 0600 too. A file (or journal) someone
 * widened (a restore, a copy) is narrowed again.
 */
export function preparePrivateSqliteFile(file: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  try {
    closeSync(openSync(file, "wx", 0o600));
    return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  for (const path of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) {
    if (existsSync(path) && (statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
  }
}
