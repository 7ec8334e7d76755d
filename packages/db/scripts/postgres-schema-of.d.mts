/** The PostgreSQL twin of the SQLite Prisma schema (see postgres-schema-of.mjs). */
export function postgresSchemaOf(sqliteSchema: string): string;
