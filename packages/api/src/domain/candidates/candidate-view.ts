import type { TradeOffSnapshot } from "./trade-off-snapshot.js";

/** "promoted": an alias's first assignment; "moved": to another row; "demoted": the alias removed. */
export type CandidateAction = "promoted" | "moved" | "demoted";

/** The current holder of an alias in a project. */
export interface CandidateView {
  readonly id: string;
  readonly alias: string;
  readonly note: string;
  readonly promotedAt: Date;
  /** Who gave the alias its current row (null if that event is gone with its user). */
  readonly promotedBy: { readonly id: string; readonly name: string } | null;
  readonly tradeOff: TradeOffSnapshot;
}

/**
 * One change of an alias. resultRowId is the row the alias points at after the change (null for a
 * demotion), previousResultRowId the one before (null for a first promotion); the snapshot holds the
 * numbers of the row promoted, or of the row demoted.
 */
export interface CandidateEventView {
  readonly id: string;
  readonly alias: string;
  readonly action: CandidateAction;
  readonly resultRowId: string | null;
  readonly previousResultRowId: string | null;
  readonly note: string;
  readonly snapshot: TradeOffSnapshot;
  readonly actor: { readonly id: string; readonly name: string };
  readonly createdAt: Date;
}

export const candidateEventSelect = {
  id: true,
  alias: true,
  action: true,
  resultRowId: true,
  previousResultRowId: true,
  note: true,
  snapshot: true,
  actor: { select: { id: true, name: true } },
  createdAt: true,
} as const;

/** The action and snapshot columns are written only by this domain's functions. */
export function toCandidateEventView(event: {
  id: string;
  alias: string;
  action: string;
  resultRowId: string | null;
  previousResultRowId: string | null;
  note: string;
  snapshot: string;
  actor: { id: string; name: string };
  createdAt: Date;
}): CandidateEventView {
  return {
    ...event,
    action: event.action as CandidateAction,
    snapshot: JSON.parse(event.snapshot) as TradeOffSnapshot,
  };
}
