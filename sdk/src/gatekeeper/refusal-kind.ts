/**
 * What a gatekeeper's answer means to the party that relays it (the REST API): a refusal the caller must accept
 * (4xx to them), or a failure of the custodian or of the relay itself (5xx, "retry later"). Decided by status and
 * stable code, never by message text.
 */
export type GatekeeperRefusalKind = 'forbidden' | 'not-found' | 'expired' | 'failure';

export function gatekeeperRefusalKind(status: number, code: string): GatekeeperRefusalKind {
  // The gatekeeper answers an unverifiable proof and an invisible ticket alike. The relay signed the proof with the
  // caller's own key, so this means the ticket is not the caller's: a refusal. Other proof errors (stale, replayed,
  // malformed) are the relay's own fault (its clock, its code): a failure.
  if (status === 401) return code === 'PROOF_BAD_SIGNATURE' ? 'forbidden' : 'failure';
  if (status === 403) return 'forbidden';
  // GATEKEEPER_NOT_FOUND is an unknown route: a misconfigured gatekeeperUrl, not a missing record or ticket.
  if (status === 404) return code === 'GATEKEEPER_NOT_FOUND' ? 'failure' : 'not-found';
  if (status === 409 || status === 410) return 'expired';
  return 'failure';
}
