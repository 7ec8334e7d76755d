import { prismaAdapter } from "better-auth/adapters/prisma";
import { betterAuth } from "better-auth/minimal";
import { joinInvitedTeam } from "../domain/sign-up/sign-up-invitations.js";
import type { Store } from "../store/store.js";
import { omitSessionTokens } from "./omit-session-tokens.js";

/**
 * The header the HTTP server sets to the socket's peer address (overwriting whatever a client
 * sent), so better-auth's rate limiter keys on the real client and cannot be fooled by a forged
 * X-Forwarded-For.
 */
export const CLIENT_ADDRESS_HEADER = "x-deadweight-client-address";

export interface AuthOptions {
  /** Signs session cookies; at least 32 characters of randomness. */
  readonly secret: string;
  /** Where the server is reached, e.g. "http://127.0.0.1:4100": its origin is trusted for cookie requests. */
  readonly baseURL: string;
  /** Further origins allowed to send cookie-authenticated requests (e.g. a dashboard on another port). */
  readonly trustedOrigins?: readonly string[];
  /** Also trust the origin of each request's Host header (see ApiAppOptions.trustHostOrigin). */
  readonly trustHostOrigin?: boolean;
  /**
   * better-auth's brute-force protection (3 sign-in attempts per 10 s per client address). On by
   * default; benchmarks that sign in many clients from one address turn it off.
   */
  readonly rateLimit?: boolean;
}

/** better-auth over the tracking store (users, password accounts, sessions) with email + password sign-in. */
export function createAuth(store: Store, options: AuthOptions) {
  return betterAuth({
    appName: "Deadweight",
    baseURL: options.baseURL,
    basePath: "/api/auth",
    secret: options.secret,
    database: prismaAdapter(store.db, { provider: store.provider }),
    emailAndPassword: { enabled: true, minPasswordLength: 8 },
    trustedOrigins:
      options.trustHostOrigin === true
        ? (request) => [...(options.trustedOrigins ?? []), request === undefined ? null : new URL(request.url).origin]
        : [...(options.trustedOrigins ?? [])],
    rateLimit: { enabled: options.rateLimit ?? true, storage: "memory" },
    advanced: {
      ipAddress: { ipAddressHeaders: [CLIENT_ADDRESS_HEADER] },
    },
    telemetry: { enabled: false },
    // Runs once the account is committed: an invited person joins the team that invited them.
    databaseHooks: {
      user: {
        create: {
          after: async (user) => {
            await joinInvitedTeam(store, user);
          },
        },
      },
    },
    plugins: [omitSessionTokens],
  });
}

export type Auth = ReturnType<typeof createAuth>;
