import type { Db } from "@deadweight/db";
import type { Actor } from "../access/actor.js";

/**
 * What every procedure receives. The database is injected (a real SQLite file in tests too), so
 * routers can be called through createCaller without HTTP.
 */
export interface ApiContext {
  readonly db: Db;
  readonly actor: Actor;
}
