/**
 * Who is calling. A person signs in with a session cookie, or uses a user API token (then they act
 * with their own role, but only within the token's team). A worker token may only claim and
 * report its team's runs.
 */
export type Actor =
  | { readonly kind: "anonymous" }
  | {
      readonly kind: "user";
      readonly userId: string;
      /** Set when the call came with a user API token: the only team it may act in. */
      readonly tokenId?: string;
      readonly tokenTeamId?: string;
    }
  | { readonly kind: "worker"; readonly tokenId: string; readonly teamId: string; readonly tokenName: string };

export type UserActor = Extract<Actor, { kind: "user" }>;
export type WorkerActor = Extract<Actor, { kind: "worker" }>;

/** Anyone who presented valid credentials: a person, or a team's worker. */
export type SignedInActor = UserActor | WorkerActor;
