import type { Context } from 'fabric-contract-api';
import { conflict, invalidArgument } from '../common/errors';
import { KEY, key } from '../common/keys';
import { readState } from '../common/state';
import { organisationSchema, participantSchema, type Organisation, type Participant } from '@medrec/contract';
import { isRetired } from './retired';

/** Looks up a participant that an argument names, insisting on its role and on it being active. */
export async function requireActiveParticipant(
  ctx: Context,
  participantId: string,
  role: Participant['role'] | undefined,
  argument: string,
): Promise<Participant> {
  const participant = await readState(ctx, key(ctx, KEY.participant, participantId), participantSchema, 'participant');
  if (participant === undefined || (role !== undefined && participant.role !== role)) {
    throw invalidArgument(`${argument}: ${participantId} is not a registered ${role ?? 'participant'}`);
  }
  if (participant.status !== 'active') {
    throw conflict(`${argument}: participant ${participantId} is deactivated`);
  }
  return participant;
}

/** A member organisation: registered, and not retired (registrar/membership.ts: it has left the consortium). */
export async function requireOrganisation(ctx: Context, mspId: string, argument: string): Promise<Organisation> {
  const org = await readState(ctx, key(ctx, KEY.organisation, mspId), organisationSchema, 'organisation');
  if (org === undefined) {
    throw invalidArgument(`${argument}: organisation ${mspId} is not registered`);
  }
  if (isRetired(org)) {
    throw conflict(`${argument}: organisation ${mspId} left the consortium at ${org.retirement.retiredAt}`);
  }
  return org;
}
