export * from "./apply-migrations.js";
export * from "./apply-postgres-migrations.js";
export { Prisma } from "./generated/client.js";
export type * from "./generated/models.js";
export * from "./open-database.js";
export * from "./open-postgres-database.js";
export * from "./postgres-connection.js";
export type * from "./reads/store-reads.js";
export * from "./stored-values.js";
