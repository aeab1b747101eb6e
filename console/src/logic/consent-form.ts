/**
 * A consent as a person chooses it (who, which organisations' records, what kinds, why, for how long) turned into the
 * API's request, and any consent said back in plain words.
 */
import type { Category, Consent, Grantee, Purpose } from '@medrec/contract';
import { CATEGORY_WORDS, PURPOSE_WORDS, ROLE_WORDS, listInWords, organisationName, when } from './wording';

export const DURATIONS = {
  hour: { label: 'one hour', ms: 3_600_000 },
  day: { label: 'one day', ms: 86_400_000 },
  week: { label: 'one week', ms: 7 * 86_400_000 },
  month: { label: '30 days', ms: 30 * 86_400_000 },
  year: { label: 'one year', ms: 365 * 86_400_000 },
} as const;
export type Duration = keyof typeof DURATIONS;

export interface ConsentChoice {
  readonly grantee: Grantee;
  readonly custodians: readonly string[];
  /** Empty: every kind of record. */
  readonly categories: readonly Category[];
  readonly purposes: readonly Purpose[];
  readonly duration: Duration;
}

/** POST /v1/patients/{id}/consents body (the ledger assigns the consent id and patient). */
export interface ConsentRequest {
  readonly grantee: Grantee;
  readonly scope: { readonly custodians: readonly string[]; readonly categories?: readonly Category[] };
  readonly purposes: readonly Purpose[];
  readonly period: { readonly notBefore: string; readonly notAfter: string };
}

/** What is missing before the choice can be granted; empty when it is complete. */
export function missingChoices(choice: ConsentChoice): string[] {
  const missing: string[] = [];
  if (choice.grantee.kind === 'participant' && choice.grantee.participantId.trim() === '') {
    missing.push('the id of the person you consent to');
  }
  if (choice.custodians.length === 0) missing.push('at least one organisation whose records this covers');
  if (choice.purposes.length === 0) missing.push('at least one reason they may use the records for');
  return missing;
}

/** Starts a minute back so a clock a little ahead of the ledger's does not make the consent not yet valid. */
export function consentRequest(choice: ConsentChoice, now: number): ConsentRequest {
  const grantee: Grantee =
    choice.grantee.kind === 'participant'
      ? { kind: 'participant', participantId: choice.grantee.participantId.trim() }
      : choice.grantee;
  return {
    grantee,
    scope: {
      custodians: [...choice.custodians],
      ...(choice.categories.length === 0 ? {} : { categories: [...choice.categories] }),
    },
    purposes: [...choice.purposes],
    period: {
      notBefore: new Date(now - 60_000).toISOString(),
      notAfter: new Date(now + DURATIONS[choice.duration].ms).toISOString(),
    },
  };
}

export function granteeWords(grantee: Grantee): string {
  switch (grantee.kind) {
    case 'participant':
      return `the person with id ${grantee.participantId}`;
    case 'role':
      return `every ${ROLE_WORDS[grantee.role]} at ${organisationName(grantee.mspId)}`;
    case 'organisation':
      return `everyone at ${organisationName(grantee.mspId)}`;
  }
}

/** What describeConsent reads: a granted Consent, or a request about to be sent. */
export interface ConsentWords {
  readonly grantee: Grantee;
  readonly scope: {
    readonly custodians: readonly string[];
    readonly categories?: readonly Category[] | undefined;
    readonly recordIds?: readonly string[] | undefined;
  };
  readonly purposes: readonly Purpose[];
  readonly period: Consent['period'];
}

/** "Every clinician at Hospital2 may see my records held by Hospital1 (all kinds) for treating me, until ...". */
export function describeConsent(consent: ConsentWords): string {
  const who = granteeWords(consent.grantee);
  const held = listInWords(consent.scope.custodians.map(organisationName));
  const kinds =
    consent.scope.categories === undefined
      ? 'all kinds'
      : listInWords(consent.scope.categories.map((c) => CATEGORY_WORDS[c]));
  const records =
    consent.scope.recordIds === undefined ? '' : ` (only ${String(consent.scope.recordIds.length)} chosen records)`;
  const why = listInWords(consent.purposes.map((p) => PURPOSE_WORDS[p]));
  const capitalised = who.charAt(0).toUpperCase() + who.slice(1);
  return (
    `${capitalised} may see my records held by ${held} (${kinds})${records} for ${why}, ` +
    `from ${when(consent.period.notBefore)} until ${when(consent.period.notAfter)}.`
  );
}
