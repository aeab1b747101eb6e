import type { Context } from 'fabric-contract-api';
import { participantSchema, type Participant, idSchema, roleSchema, type Role } from '@medrec/contract';
import { enrolledIdentity } from './enrolled-identity';
import { forbidden } from './errors';
import { KEY, key } from './keys';
import { roleMayCall, type TxName } from './permissions';
import { readState } from './state';

/** What the certificate says, each attribute null when absent or malformed. */
export interface CertIdentity {
  mspId: string;
  role: Role | null;
  participantId: string | null;
}

/** An authorised caller: identity from the certificate, checked against the registration on the ledger. */
export interface Caller {
  mspId: string;
  role: Role;
  participantId: string;
  /** Unregistered only for an organisation's admin, who bootstraps the organisation. */
  participant: Participant | undefined;
}

export function certIdentity(ctx: Context): CertIdentity {
  const role = roleSchema.safeParse(ctx.clientIdentity.getAttributeValue('medrec.role'));
  const id = idSchema.safeParse(ctx.clientIdentity.getAttributeValue('medrec.id'));
  return {
    mspId: ctx.clientIdentity.getMSPID(),
    role: role.success ? role.data : null,
    participantId: id.success ? id.data : null,
  };
}

/**
 * The role gate of every transaction: certificate attributes only, never arguments. A participant must be
 * registered, active and registered with the same role and MSP as the certificate says; an organisation's admin
 * may act unregistered so that it can register its organisation and first registrar.
 */
export async function authorize(ctx: Context, tx: TxName): Promise<Caller> {
  const { mspId, role, participantId } = certIdentity(ctx);
  if (role === null) {
    throw forbidden('the caller certificate has no valid medrec.role attribute; enrol the identity with one');
  }
  if (participantId === null) {
    throw forbidden('the caller certificate has no valid medrec.id attribute; enrol the identity with one');
  }
  if (!roleMayCall(tx, role)) {
    throw forbidden(`role ${role} may not call ${tx}; see the permission matrix in chaincode/README.md`);
  }
  const participant = await readState(ctx, key(ctx, KEY.participant, participantId), participantSchema, 'participant');
  if (participant === undefined) {
    if (role === 'admin') {
      return { mspId, role, participantId, participant };
    }
    throw forbidden(`participant ${participantId} is not registered; ask the registrar of ${mspId} to register it`);
  }
  if (participant.status !== 'active') {
    throw forbidden(`participant ${participantId} is deactivated`);
  }
  if (participant.mspId !== mspId || participant.role !== role) {
    throw forbidden(
      `participant ${participantId} is registered as ${participant.role} at ${participant.mspId}, not as ${role} at ${mspId}`,
    );
  }
  // The participant is bound to one enrolled identity: a certificate that merely carries its id is not it.
  const enrolled = enrolledIdentity(ctx);
  if (enrolled.enrollmentId !== participant.enrollmentId || enrolled.issuer !== participant.enrollmentIssuer) {
    throw forbidden(
      `participant ${participantId} is bound to another enrolled identity; sign with the identity it was registered for`,
    );
  }
  return { mspId, role, participantId, participant };
}
