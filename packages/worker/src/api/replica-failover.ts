import type { ServerCallError } from "./server-call-error.js";
import { GATEWAY_STATUSES, toServerCallError } from "./server-connection.js";

/** Waits before the second and third round of a report that failed on every replica (servers restarting, network blip). */
export const REPORT_RETRY_DELAYS_MS: readonly number[] = [500, 1_500];

export interface ReplicaFailoverOptions {
  /** The replicas of one platform, in the order to try them; at least one. */
  readonly serverUrls: readonly string[];
  /** Where the move to another replica is told (one line per move). */
  readonly log: (line: string) => void;
  /** Waits between rounds of a report; default a timer. */
  readonly pause?: (ms: number) => Promise<void>;
}

/**
 * Which replica each call goes to, and what happens when one stops answering. Every call goes to the
 * current replica; a transport failure there (no HTTP answer, or 502/503/504 from a proxy) moves the
 * worker to the next replica in the list, where it stays while that one answers (sticky). Whether the
 * failed call itself is sent again depends on what it is: see `report`, `beat` and `claim`.
 */
export class ReplicaFailover {
  private readonly serverUrls: readonly string[];
  private readonly log: (line: string) => void;
  private readonly pause: (ms: number) => Promise<void>;
  private index = 0;

  constructor(options: ReplicaFailoverOptions) {
    if (options.serverUrls.length === 0) throw new RangeError("give at least one server URL");
    this.serverUrls = options.serverUrls;
    this.log = options.log;
    this.pause = options.pause ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** The replica the next call goes to. */
  get current(): string {
    return this.serverUrls[this.index] as string;
  }

  /**
   * An idempotent report (stages, results, deployment, finish, uploads, downloads): on a transport
   * failure it is sent again at once to the next replica, until every replica was tried; a round that
   * failed everywhere (or on a 500) is tried again after each of `retryDelaysMs`. Refusals (4xx) are thrown.
   */
  async report<T>(
    what: string,
    send: (serverUrl: string) => Promise<T>,
    retryDelaysMs: readonly number[] = REPORT_RETRY_DELAYS_MS,
  ): Promise<T> {
    for (let round = 0; ; round++) {
      let failure: ServerCallError | undefined;
      for (let tried = 0; tried < this.serverUrls.length; tried++) {
        const serverUrl = this.current;
        try {
          return await send(serverUrl);
        } catch (error) {
          failure = toServerCallError(error, serverUrl, what);
          if (!failure.transient) throw failure;
          // A server that answered with its own 500 is there: ask it again after a pause.
          if (!isTransportFailure(failure)) break;
          this.moveOn(serverUrl, failure);
        }
      }
      const delay = retryDelaysMs[round];
      if (delay === undefined) throw failure;
      await this.pause(delay);
    }
  }

  /**
   * A heartbeat: sent to each replica at most once, moving on after a transport failure; when all of
   * them fail the last failure is thrown and the heartbeat loop's own schedule decides what next.
   */
  beat<T>(what: string, send: (serverUrl: string) => Promise<T>): Promise<T> {
    return this.report(what, send, []);
  }

  /**
   * A claim, which must reach a server at most once: a request that may have arrived (reset, timeout,
   * a proxy's 502/503/504) is not sent again, since a lost answer leaves a run leased to nobody until
   * its lease expires; only a claim that never left (connection refused, unknown host) goes on to the
   * next replica. Either way the next claim goes to the next replica. An abort by `signal` moves nothing.
   */
  async claim<T>(what: string, send: (serverUrl: string) => Promise<T>, signal?: AbortSignal): Promise<T> {
    for (let tried = 1; ; tried++) {
      const serverUrl = this.current;
      try {
        return await send(serverUrl);
      } catch (error) {
        const failure = toServerCallError(error, serverUrl, what);
        if (signal?.aborted || !isTransportFailure(failure)) throw failure;
        this.moveOn(serverUrl, failure);
        if (!failure.neverSent || tried >= this.serverUrls.length) throw failure;
      }
    }
  }

  /** After a transport failure of `failedUrl`: the next replica becomes current, unless a concurrent call already moved on. */
  private moveOn(failedUrl: string, failure: ServerCallError): void {
    if (this.serverUrls.length === 1 || this.current !== failedUrl) return;
    this.index = (this.index + 1) % this.serverUrls.length;
    const reason = failure.status === undefined ? failure.networkReason : `HTTP ${failure.status}`;
    this.log(`server ${failedUrl} failed (${reason ?? failure.message}); moving to ${this.current}`);
  }
}

/**
 * A failure of the way to the server rather than an answer from it: no HTTP answer at all (refused,
 * reset, unknown host, timeout), or a proxy saying the server behind it is down or slow.
 */
export function isTransportFailure(failure: ServerCallError): boolean {
  return failure.kind === "unreachable" || (failure.status !== undefined && GATEWAY_STATUSES.has(failure.status));
}
