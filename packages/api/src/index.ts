export * from "./access/actor.js";
export * from "./access/team-roles.js";
export * from "./errors/app-error.js";
export * from "./errors/error-mapping.js";
export * from "./root.js";
export type * from "./trpc/context.js";
export { createCallerFactory } from "./trpc/trpc.js";
