/**
 * The PostgreSQL twin of the SQLite Prisma schema: the same models, the PostgreSQL datasource, the
 * client generated into src/generated-postgres, and no second Kysely generator (both databases share
 * the read path's table types).
 */
export function postgresSchemaOf(sqliteSchema) {
  const header = `// GENERATED from prisma/schema.prisma by packages/db/scripts/write-postgres-schema.mjs: do not edit.
// The tracking store on PostgreSQL (\`deadweight platform --database postgres://...\`), through the pg
// driver adapter. Migrations: prisma/postgres/migrations, applied by the server at start.

generator client {
  provider     = "prisma-client"
  output       = "../../packages/db/src/generated-postgres"
  engineType   = "client"
  moduleFormat = "esm"
}

datasource db {
  provider = "postgresql"
  // Unused at run time (the driver adapter gets the real URL).
  url      = "postgresql://localhost/unused"
}
`;
  const models = sqliteSchema.slice(sqliteSchema.indexOf("// ----"));
  return `${header}\n${models}`;
}
