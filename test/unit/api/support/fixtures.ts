import { createHash } from 'node:crypto';
import type { Consent, Participant, RecordPointer, Role, Ticket } from '../../../../sdk/src/chaincode-types';
import type { UserContext } from '../../../../api/src/ports';

export const TIME = '2030-01-01T00:00:00.000Z';
export const HASH = 'a'.repeat(64);

/** A Fabric transaction id (64 hex) named after what it did, so fixtures stay readable and contract-valid. */
export function txIdOf(label: string): string {
  return createHash('sha256').update(label).digest('hex');
}
export const TICKET_ID = txIdOf('ticket-1');

export function user(role: Role, participantId: string, mspId = 'Hospital1MSP'): UserContext {
  return { org: 'hospital1', mspId, enrollmentId: `${participantId}-enroll`, participantId, role };
}

export function participant(role: Role, participantId: string, mspId = 'Hospital1MSP'): Participant {
  return {
    participantId,
    role,
    enrollmentId: `${participantId}-enroll`,
    mspId,
    enrollmentIssuer: `/CN=ca.${mspId}`,
    status: 'active',
    registeredBy: 'registrar-1',
    registeredAt: TIME,
    txId: txIdOf(`register-${participantId}`),
  };
}

export function pointer(recordId = 'rec-1', patientId = 'pat-1'): RecordPointer {
  return {
    recordId,
    patientId,
    category: 'laboratory',
    contentHash: HASH,
    locator: `medrec://Hospital1MSP/${recordId}`,
    custodianMsp: 'Hospital1MSP',
    version: 1,
    supersedes: null,
    supersededBy: null,
    registeredBy: 'doc-1',
    registeredAt: TIME,
    txId: txIdOf(`record-${recordId}`),
  };
}

export function ticket(decision: 'permit' | 'deny' = 'permit', kind: 'access' | 'break-glass' = 'access'): Ticket {
  return {
    ticketId: TICKET_ID,
    kind,
    decision,
    reason: decision === 'permit' ? 'consent' : 'no-covering-consent',
    recordId: 'rec-1',
    patientId: 'pat-1',
    custodianMsp: 'Hospital1MSP',
    category: 'laboratory',
    purpose: 'TREAT',
    requester: { participantId: 'doc-2', mspId: 'Hospital2MSP', role: 'clinician', certSha256: HASH, certPem: 'PEM' },
    issuedAt: TIME,
    expiresAt: TIME,
    txId: TICKET_ID,
    ...(kind === 'break-glass'
      ? { breakGlass: { reason: 'patient-unconscious' as const, reviewStatus: 'pending' as const } }
      : {}),
  };
}

export function consent(consentId = 'consent-1', status: 'active' | 'revoked' = 'active'): Consent {
  return {
    consentId,
    patientId: 'pat-1',
    grantee: { kind: 'participant', participantId: 'doc-2' },
    scope: { custodians: ['Hospital1MSP'] },
    purposes: ['TREAT'],
    period: { notBefore: TIME, notAfter: '2031-01-01T00:00:00.000Z' },
    status,
    grantedBy: 'pat-1',
    grantedAt: TIME,
    txId: txIdOf(consentId),
  };
}

export const OBSERVATION = {
  resourceType: 'Observation',
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '2498-4' }] },
  subject: { reference: 'Patient/pat-1' },
};
