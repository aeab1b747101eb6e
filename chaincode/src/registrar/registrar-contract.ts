import { Context, Info, Param, Returns, Transaction } from 'fabric-contract-api';
import { parseArg, parseJsonArg } from '../common/args';
import { authorize, certIdentity, type Caller } from '../common/caller';
import { chainsToAnyRoot, parseCertificate } from '../common/certs';
import { conflict, forbidden, invalidArgument, notFound } from '../common/errors';
import { KEY, key } from '../common/keys';
import { toJson } from '../common/marshal';
import { MedRecContract } from '../common/medrec-contract';
import { enrolledIdentity, isReservedEnrollmentId, issuerDigest } from '../common/enrolled-identity';
import {
  idSchema,
  mspIdSchema,
  type Role,
  identityBindingSchema,
  listOrganisationsQuerySchema,
  organisationInputSchema,
  organisationSchema,
  participantInputSchema,
  participantSchema,
  type Organisation,
  type Participant,
} from '@medrec/contract';
import { admitPatient } from '../records/records-store';
import { approveRetirement } from './membership';
import { pageByPartialKey, readState, requireState, writeState } from '../common/state';
import { txTime } from '../common/time';
import { recordAudit } from '../audit/audit-log';
import { isRetired } from './retired';

/** Who is who: consortium organisations and their participants, registered by each organisation itself. */
@Info({ title: 'Registrar', description: 'Organisations, participants and the caller identity' })
export class RegistrarContract extends MedRecContract {
  public constructor() {
    super('Registrar');
  }

  @Transaction()
  @Param(
    'organisation',
    'string',
    'JSON {mspId, displayName, gatekeeperUrl, caRootCertsPem: string[], legalName?, postalAddress?, contact?}',
  )
  @Returns('string')
  public async RegisterOrganisation(ctx: Context, organisation: string): Promise<string> {
    const caller = await authorize(ctx, 'Registrar:RegisterOrganisation');
    const input = parseJsonArg(organisationInputSchema, organisation, 'organisation');
    if (input.mspId !== caller.mspId) {
      throw forbidden(`an admin of ${caller.mspId} may register only organisation ${caller.mspId}`);
    }
    assertCallerChainsToRoots(ctx, input.caRootCertsPem);
    const orgKey = key(ctx, KEY.organisation, input.mspId);
    const existing = await readState(ctx, orgKey, organisationSchema, 'organisation');
    if (isRetired(existing)) {
      // Re-registering would silently make a departed organisation a member again, without the others' vote.
      throw conflict(
        `organisation ${input.mspId} left the consortium at ${existing.retirement.retiredAt}; it rejoins under a new MSP id, admitted again by the members`,
      );
    }
    if (existing !== undefined && toJson(pickOrganisationInput(existing)) === toJson(input)) {
      return toJson(existing);
    }
    const { iso } = txTime(ctx);
    const saved: Organisation = {
      ...input,
      registeredBy: existing?.registeredBy ?? caller.participantId,
      registeredAt: existing?.registeredAt ?? iso,
      updatedAt: iso,
      txId: ctx.stub.getTxID(),
    };
    await writeState(ctx, orgKey, saved);
    await recordAudit(ctx, caller, {
      type: 'OrganisationRegistered',
      subject: { kind: 'organisation', id: input.mspId },
    });
    return toJson(saved);
  }

  @Transaction(false)
  @Param('mspId', 'string', 'MSP id of the organisation')
  @Returns('string')
  public async GetOrganisation(ctx: Context, mspId: string): Promise<string> {
    await authorize(ctx, 'Registrar:GetOrganisation');
    const id = parseArg(mspIdSchema, mspId, 'mspId');
    return toJson(await requireState(ctx, key(ctx, KEY.organisation, id), organisationSchema, `organisation ${id}`));
  }

  @Transaction(false)
  @Param('query', 'string', 'JSON {pageSize?: 1-200 (default 50), bookmark?: string}')
  @Returns('string')
  public async ListOrganisations(ctx: Context, query: string): Promise<string> {
    await authorize(ctx, 'Registrar:ListOrganisations');
    const page = parseJsonArg(listOrganisationsQuerySchema, query, 'query');
    return toJson(await pageByPartialKey(ctx, KEY.organisation, [], page, organisationSchema, 'organisation'));
  }

  /**
   * The caller's organisation approves that organisation `mspId` leave the consortium: at once when it is the
   * caller's own, else once a strict majority of the other members' admins approved (registrar/membership.ts).
   */
  @Transaction()
  @Param('mspId', 'string', 'MSP id of the organisation to retire')
  @Returns('string')
  public async ApproveRetirement(ctx: Context, mspId: string): Promise<string> {
    const caller = await authorize(ctx, 'Registrar:ApproveRetirement');
    return toJson(await approveRetirement(ctx, caller, parseArg(mspIdSchema, mspId, 'mspId')));
  }

  @Transaction()
  @Param('participant', 'string', "JSON {participantId, role, enrollmentId}; the MSP is the caller's")
  @Returns('string')
  public async RegisterParticipant(ctx: Context, participant: string): Promise<string> {
    const caller = await authorize(ctx, 'Registrar:RegisterParticipant');
    const input = parseJsonArg(participantInputSchema, participant, 'participant');
    assertMayManage(caller, caller.mspId, input.role);
    const own = await readState(ctx, key(ctx, KEY.organisation, caller.mspId), organisationSchema, 'organisation');
    if (own === undefined) {
      throw notFound(`organisation ${caller.mspId} is not registered; its admin must call RegisterOrganisation first`);
    }
    if (isRetired(own)) {
      throw conflict(`organisation ${caller.mspId} left the consortium at ${own.retirement.retiredAt}`);
    }
    if (!SERVICE_ROLES.has(input.role) && isReservedEnrollmentId(input.enrollmentId)) {
      throw forbidden(
        `participant.enrollmentId: ${input.enrollmentId} names a service identity (admin, gatekeeper, peer, orderer, CA); a ${input.role} gets an enrollment id of their own`,
      );
    }
    // The new identity is issued by the same CA as the registering caller's: the organisation's CA.
    const enrollmentIssuer = enrolledIdentity(ctx).issuer;
    const participantKey = key(ctx, KEY.participant, input.participantId);
    const existing = await readState(ctx, participantKey, participantSchema, 'participant');
    if (existing !== undefined) {
      if (toJson(pickParticipantInput(existing)) === toJson({ ...input, mspId: caller.mspId, enrollmentIssuer })) {
        return toJson(existing);
      }
      throw conflict(
        `participant ${input.participantId} is already registered with different details; choose another id`,
      );
    }
    const bindingKey = key(ctx, KEY.identityBinding, caller.mspId, issuerDigest(enrollmentIssuer), input.enrollmentId);
    if ((await readState(ctx, bindingKey, identityBindingSchema, 'identity binding')) !== undefined) {
      throw conflict(
        `participant.enrollmentId: the enrolled identity ${input.enrollmentId} is already bound to another participant; every participant needs an identity of its own`,
      );
    }
    const { iso } = txTime(ctx);
    const saved: Participant = {
      ...input,
      mspId: caller.mspId,
      enrollmentIssuer,
      status: 'active',
      registeredBy: caller.participantId,
      registeredAt: iso,
      txId: ctx.stub.getTxID(),
    };
    await writeState(ctx, participantKey, saved);
    await writeState(ctx, bindingKey, { participantId: input.participantId });
    if (input.role === 'patient') {
      // Registering a patient at an organisation admits them there; the patient accepts or rejects it.
      await admitPatient(ctx, input.participantId, caller.mspId);
    }
    await recordAudit(ctx, caller, {
      type: 'ParticipantRegistered',
      subject: { kind: 'participant', id: input.participantId },
      patientId: input.role === 'patient' ? input.participantId : undefined,
    });
    return toJson(saved);
  }

  @Transaction()
  @Param('participantId', 'string', 'id of the participant to deactivate')
  @Returns('string')
  public async DeactivateParticipant(ctx: Context, participantId: string): Promise<string> {
    const caller = await authorize(ctx, 'Registrar:DeactivateParticipant');
    const id = parseArg(idSchema, participantId, 'participantId');
    const participantKey = key(ctx, KEY.participant, id);
    const existing = await requireState(ctx, participantKey, participantSchema, `participant ${id}`);
    assertMayManage(caller, existing.mspId, existing.role);
    if (existing.status === 'inactive') {
      return toJson(existing);
    }
    const saved: Participant = {
      ...existing,
      status: 'inactive',
      deactivatedBy: caller.participantId,
      deactivatedAt: txTime(ctx).iso,
    };
    await writeState(ctx, participantKey, saved);
    await recordAudit(ctx, caller, {
      type: 'ParticipantDeactivated',
      subject: { kind: 'participant', id },
      patientId: existing.role === 'patient' ? id : undefined,
    });
    return toJson(saved);
  }

  @Transaction(false)
  @Param('participantId', 'string', 'id of the participant')
  @Returns('string')
  public async GetParticipant(ctx: Context, participantId: string): Promise<string> {
    await authorize(ctx, 'Registrar:GetParticipant');
    const id = parseArg(idSchema, participantId, 'participantId');
    return toJson(await requireState(ctx, key(ctx, KEY.participant, id), participantSchema, `participant ${id}`));
  }

  /** Open to every caller, registered or not: it is how a new identity finds out what the ledger knows of it. */
  @Transaction(false)
  @Returns('string')
  public async WhoAmI(ctx: Context): Promise<string> {
    const identity = certIdentity(ctx);
    const participant =
      identity.participantId === null
        ? undefined
        : await readState(ctx, key(ctx, KEY.participant, identity.participantId), participantSchema, 'participant');
    const matches =
      participant?.mspId === identity.mspId &&
      participant.role === identity.role &&
      boundTo(ctx, participant.enrollmentId, participant.enrollmentIssuer);
    return toJson({
      ...identity,
      registered: matches,
      active: matches && participant.status === 'active',
      participant: matches ? participant : null,
    });
  }
}

/** Whether the caller's certificate is the enrolled identity a participant is bound to. */
function boundTo(ctx: Context, enrollmentId: string, issuer: string): boolean {
  try {
    const enrolled = enrolledIdentity(ctx);
    return enrolled.enrollmentId === enrollmentId && enrolled.issuer === issuer;
  } catch {
    return false;
  }
}

/**
 * The roots an organisation registers must be its own: the registering admin's certificate (the Fabric creator's
 * id bytes) must be issued by one of them. Otherwise an admin could register another CA's root and later claim
 * endorsements signed by that CA's peers.
 */
function assertCallerChainsToRoots(ctx: Context, rootsPem: readonly string[]): void {
  const own = parseCertificate(ctx.clientIdentity.getIDBytes());
  if (own === undefined) {
    throw forbidden('the caller identity is not an X.509 certificate; use an admin enrolled with the organisation CA');
  }
  rootsPem.forEach((pem, index) => {
    if (parseCertificate(pem) === undefined) {
      throw invalidArgument(`organisation.caRootCertsPem[${index}]: is not a parseable X.509 certificate`);
    }
  });
  if (!chainsToAnyRoot(own, rootsPem)) {
    throw invalidArgument(
      "organisation.caRootCertsPem: none of these roots issued the caller's certificate; register your own CA root",
    );
  }
}

/** Roles of services rather than people: only an organisation's admin creates or retires them. */
const SERVICE_ROLES: ReadonlySet<Role> = new Set<Role>(['admin', 'gatekeeper']);

/** Roles a registrar hands out: the people of the organisation. Registrars themselves are the admin's to create. */
const REGISTRAR_MANAGED_ROLES: ReadonlySet<Role> = new Set<Role>(['patient', 'clinician', 'compliance', 'researcher']);

/** Registrars manage the people of their own organisation; admins manage every role there. */
function assertMayManage(caller: Caller, mspId: string, role: Role): void {
  if (mspId !== caller.mspId) {
    throw forbidden(`${caller.role} of ${caller.mspId} may not manage participants of ${mspId}`);
  }
  if (caller.role !== 'admin' && !REGISTRAR_MANAGED_ROLES.has(role)) {
    throw forbidden(`only an admin of ${mspId} manages ${role} participants`);
  }
}

function pickOrganisationInput(org: Organisation): unknown {
  return {
    mspId: org.mspId,
    displayName: org.displayName,
    gatekeeperUrl: org.gatekeeperUrl,
    caRootCertsPem: org.caRootCertsPem,
    // Absent on organisations registered before they existed (canonical JSON omits undefined members).
    legalName: org.legalName,
    postalAddress: org.postalAddress,
    contact: org.contact,
  };
}

function pickParticipantInput(participant: Participant): unknown {
  return {
    participantId: participant.participantId,
    role: participant.role,
    enrollmentId: participant.enrollmentId,
    mspId: participant.mspId,
    enrollmentIssuer: participant.enrollmentIssuer,
  };
}
