export * from "./apply-migrations.js";
export { Prisma } from "./generated/client.js";
export type * from "./generated/models.js";
export * from "./open-database.js";
export type * from "./reads/store-reads.js";
export * from "./stored-values.js";
