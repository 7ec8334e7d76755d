export * from "./apply-migrations.js";
export { Prisma } from "./generated/client.js";
export type * from "./generated/models.js";
export * from "./open-database.js";
export { ReadConnection, readConnectionFor } from "./read-connection.js";
export * from "./stored-values.js";
