// Writes prisma/postgres/schema.prisma from prisma/schema.prisma: the same models for PostgreSQL.
// The SQLite schema is the one to edit; run this after every change (a test fails while they differ):
//   node packages/db/scripts/write-postgres-schema.mjs
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { postgresSchemaOf } from "./postgres-schema-of.mjs";

const source = fileURLToPath(new URL("../../../prisma/schema.prisma", import.meta.url));
const target = fileURLToPath(new URL("../../../prisma/postgres/schema.prisma", import.meta.url));
writeFileSync(target, postgresSchemaOf(readFileSync(source, "utf8")));
console.log(`wrote ${target}`);
