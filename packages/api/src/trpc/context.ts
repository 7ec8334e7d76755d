import type { ExperimentLimits } from "@deadweight/experiment-config";
import type { Actor } from "../access/actor.js";
import type { Store } from "../store/store.js";

/**
 * What every procedure receives: the store it works on (database, read path, artifacts, caches) and
 * who is asking. Both are explicit, so routers can be called through createCaller against a real
 * store without HTTP.
 */
export interface ApiContext {
  readonly store: Store;
  readonly actor: Actor;
  /** What one experiment may ask for (the server's settings); default DEFAULT_EXPERIMENT_LIMITS. */
  readonly limits?: ExperimentLimits;
  /** Aborted when the server shuts down: live subscriptions end then (see subscriptionStream). */
  readonly shutdown?: AbortSignal;
}
