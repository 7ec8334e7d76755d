import type { Kysely, Transaction } from "kysely";
import type { StoreTables } from "../generated/kysely/tables.js";

export type { StoreTables } from "../generated/kysely/tables.js";

/**
 * The typed read path of the tracking store: SQL built with Kysely over tables whose types are
 * generated from the Prisma schema (prisma-kysely), so a renamed column fails the typecheck. Writes
 * stay with Prisma. Values come back as the database driver returns them (a DateTime is text on
 * SQLite and a Date on PostgreSQL; a Boolean 0/1 or true/false): decode them with stored-values.ts.
 */
export type StoreReads = Kysely<StoreTables>;

/** The read path inside one snapshot (see OpenedDatabase.snapshot). */
export type StoreSnapshot = Transaction<StoreTables>;
