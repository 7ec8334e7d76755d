/**
 * What anyone ever sees of a stored token: its name, kind, recognisable prefix and times. The hash
 * is never selected, so it cannot leak through a response.
 */
export const apiTokenSelect = {
  id: true,
  teamId: true,
  name: true,
  kind: true,
  prefix: true,
  createdAt: true,
  lastUsedAt: true,
  revokedAt: true,
  createdBy: { select: { id: true, name: true } },
} as const;
