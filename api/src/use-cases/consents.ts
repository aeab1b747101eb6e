/** The patient's consents: grant, list, read, revoke. */
import crypto from 'node:crypto';
import type { Consent, ConsentHistory, ConsentInput, Page, PageQuery } from '@medrec/sdk';
import type { LedgerGateway, UserContext } from '../ports';

export type ConsentRequest = Omit<ConsentInput, 'consentId' | 'patientId'> & { readonly consentId?: string };

export interface ConsentUseCases {
  grantConsent(
    user: UserContext,
    patientId: string,
    request: ConsentRequest,
  ): Promise<{ consent: Consent; transactionId: string }>;
  listConsents(user: UserContext, query: PageQuery & { readonly patientId: string }): Promise<Page<Consent>>;
  getConsent(user: UserContext, consentId: string): Promise<Consent>;
  revokeConsent(user: UserContext, consentId: string): Promise<{ consent: Consent; transactionId: string }>;
  /** Every version the ledger's history keeps (granted, revoked), for whoever may read the consent. */
  getConsentHistory(user: UserContext, consentId: string): Promise<ConsentHistory>;
}

export function createConsentUseCases(ports: Readonly<{ ledger: LedgerGateway }>): ConsentUseCases {
  const { ledger } = ports;
  return {
    async grantConsent(user, patientId, request) {
      // A client-chosen id makes a retry idempotent on the ledger; without one the grant gets a fresh id.
      const consentId = request.consentId ?? `consent-${crypto.randomUUID()}`;
      const { value, transactionId } = await (
        await ledger.clientFor(user)
      ).grantConsent({ ...request, consentId, patientId });
      return { consent: value, transactionId };
    },
    async listConsents(user, query) {
      return (await ledger.clientFor(user)).listConsents(query);
    },
    async getConsent(user, consentId) {
      return (await ledger.clientFor(user)).getConsent(consentId);
    },
    async revokeConsent(user, consentId) {
      const { value, transactionId } = await (await ledger.clientFor(user)).revokeConsent(consentId);
      return { consent: value, transactionId };
    },
    async getConsentHistory(user, consentId) {
      return (await ledger.clientFor(user)).getConsentHistory(consentId);
    },
  };
}
