/** The caller, participants and their API tokens. */
import { IdentityExistsError, newParticipantId, type Participant, type Role } from '@medrec/sdk';
import { ApiProblem, PROBLEMS } from '../http/problem';
import type {
  ExternalIdDirectory,
  IssuedToken,
  LedgerGateway,
  ResolvedToken,
  TokenInfo,
  UserContext,
  UserDirectory,
  UserRegistration,
} from '../ports';

export interface Me extends UserContext {
  readonly tokenId: string;
  readonly registered: boolean;
  readonly active: boolean;
  readonly participant: Participant | null;
}

export interface ParticipantRegistered {
  readonly participant: Participant;
  readonly transactionId: string;
  readonly token: IssuedToken;
}

export interface ParticipantDeactivated {
  readonly participant: Participant;
  readonly transactionId: string;
  readonly revokedTokens: number;
}

export interface IdentityUseCases {
  me(auth: ResolvedToken): Promise<Me>;
  /** The participant id is generated here; `externalId` (an MRN, a staff number) stays in this organisation. */
  registerParticipant(
    caller: UserContext,
    request: Readonly<{ role: Role; externalId?: string }>,
  ): Promise<ParticipantRegistered>;
  getParticipant(caller: UserContext, participantId: string): Promise<Participant>;
  /** Looks a participant of the caller's organisation up by the organisation's own identifier for them. */
  findByExternalId(caller: UserContext, externalId: string): Promise<Participant>;
  deactivateParticipant(caller: UserContext, participantId: string): Promise<ParticipantDeactivated>;
  listTokens(caller: UserContext, participantId: string): Promise<readonly TokenInfo[]>;
  /** A new token for a participant of the caller's organisation: its owner (rotation) or an admin (lost token). */
  issueToken(caller: UserContext, participantId: string): Promise<IssuedToken>;
  revokeToken(caller: UserContext, tokenId: string): Promise<TokenInfo>;
}

export interface IdentityPorts {
  readonly ledger: LedgerGateway;
  readonly users: UserDirectory;
  readonly registration: UserRegistration;
  readonly externalIds: ExternalIdDirectory;
}

/** The people a registrar registers (chaincode/README.md, permission matrix); registrars are the admin's to create. */
const REGISTRAR_ROLES: ReadonlySet<Role> = new Set<Role>(['patient', 'clinician', 'compliance', 'researcher']);

/** Service roles are provisioned by `medrec network up` for the organisation's services, never through the API. */
const SERVICE_ROLES: ReadonlySet<Role> = new Set<Role>(['gatekeeper']);

/** Who may look participants up by the organisation's own identifiers. */
const LOOKUP_ROLES: ReadonlySet<Role> = new Set<Role>(['registrar', 'admin', 'clinician', 'compliance']);

function forbidden(detail: string): ApiProblem {
  return new ApiProblem(PROBLEMS.forbidden, detail, { code: 'FORBIDDEN' });
}

/**
 * Checked before the Fabric CA is touched: the ledger would refuse the participant anyway, but only after the CA
 * had registered an identity that then belongs to nobody.
 */
function checkMayRegister(caller: UserContext, role: Role): void {
  if (caller.role !== 'registrar' && caller.role !== 'admin') {
    throw forbidden(`A ${caller.role} may not register participants; ask a registrar or admin of ${caller.org}.`);
  }
  if (SERVICE_ROLES.has(role)) {
    throw forbidden(
      `The ${role} role belongs to the organisation's service, provisioned by \`medrec network up\`; it is never given to a person.`,
    );
  }
  if (caller.role === 'registrar' && !REGISTRAR_ROLES.has(role)) {
    throw forbidden(`A registrar may not register the role ${role}; ask an admin of ${caller.org}.`);
  }
}

function isOwner(caller: UserContext, owner: Readonly<{ mspId: string; participantId: string }>): boolean {
  return caller.mspId === owner.mspId && caller.participantId === owner.participantId;
}

export function createIdentityUseCases(ports: IdentityPorts): IdentityUseCases {
  const { ledger, users, registration, externalIds } = ports;

  /** The caller may manage participants of `participantId`'s organisation: it is the caller's own. */
  async function assertSameOrganisation(caller: UserContext, participantId: string): Promise<void> {
    const participant = await (await ledger.clientFor(caller)).getParticipant(participantId);
    if (participant.mspId !== caller.mspId) {
      throw forbidden(`${participantId} belongs to ${participant.mspId}; its tokens are managed by that organisation.`);
    }
  }

  return {
    async me(auth) {
      const whoAmI = await (await ledger.clientFor(auth.user)).whoAmI();
      return {
        ...auth.user,
        tokenId: auth.tokenId,
        registered: whoAmI.registered,
        active: whoAmI.active,
        participant: whoAmI.participant,
      };
    },

    async registerParticipant(caller, request) {
      checkMayRegister(caller, request.role);
      const participantId = newParticipantId(request.role);
      const { externalId } = request;
      // Reserve the external id first, so two concurrent registrations of one MRN cannot both succeed.
      if (externalId !== undefined && !(await externalIds.link({ mspId: caller.mspId, externalId, participantId }))) {
        throw new ApiProblem(
          PROBLEMS.conflict,
          `The external id is already linked to a participant of ${caller.mspId}; look it up with GET /v1/participants?externalId=…`,
          { code: 'EXTERNAL_ID_IN_USE' },
        );
      }
      let registered: Awaited<ReturnType<UserRegistration['register']>>;
      try {
        registered = await registration.register({ caller, role: request.role, participantId });
      } catch (err) {
        if (externalId !== undefined) await externalIds.unlink({ mspId: caller.mspId, externalId, participantId });
        if (err instanceof IdentityExistsError) {
          throw new ApiProblem(PROBLEMS.conflict, `${err.message}; retry the registration.`, {
            code: 'IDENTITY_EXISTS',
          });
        }
        throw err;
      }
      const { participant, transactionId } = registered;
      const token = await users.issueToken({
        org: caller.org,
        mspId: participant.mspId,
        enrollmentId: participant.enrollmentId,
        participantId: participant.participantId,
        role: participant.role,
      });
      return { participant, transactionId, token };
    },

    async getParticipant(caller, participantId) {
      return (await ledger.clientFor(caller)).getParticipant(participantId);
    },

    async findByExternalId(caller, externalId) {
      if (!LOOKUP_ROLES.has(caller.role)) {
        throw forbidden(`A ${caller.role} may not look participants up by external id.`);
      }
      const participantId = await externalIds.find(caller.mspId, externalId);
      if (participantId === undefined) {
        throw new ApiProblem(PROBLEMS.notFound, `No participant of ${caller.mspId} has this external id.`, {
          code: 'PARTICIPANT_NOT_FOUND',
        });
      }
      return (await ledger.clientFor(caller)).getParticipant(participantId);
    },

    async deactivateParticipant(caller, participantId) {
      const { value, transactionId } = await (await ledger.clientFor(caller)).deactivateParticipant(participantId);
      // The ledger already refuses an inactive participant; revoking its tokens also stops it at this door.
      const revokedTokens = await users.revokeTokensOf({ mspId: value.mspId, participantId: value.participantId });
      return { participant: value, transactionId, revokedTokens };
    },

    async listTokens(caller, participantId) {
      const owner = { mspId: caller.mspId, participantId };
      if (!isOwner(caller, owner)) {
        if (caller.role !== 'admin') {
          throw forbidden('Only the token owner or an admin of its organisation may list its tokens.');
        }
        await assertSameOrganisation(caller, participantId);
      }
      return users.listTokens(owner);
    },

    async issueToken(caller, participantId) {
      if (caller.participantId === participantId) return users.issueToken(caller);
      if (caller.role !== 'admin') {
        throw forbidden('Only the participant itself or an admin of its organisation may issue it a token.');
      }
      // The token's user is what the ledger says, so an admin cannot mint a token with a role nobody was given.
      const participant = await (await ledger.clientFor(caller)).getParticipant(participantId);
      if (participant.mspId !== caller.mspId) {
        throw forbidden(
          `${participantId} belongs to ${participant.mspId}; its tokens are issued by that organisation.`,
        );
      }
      if (participant.status !== 'active') {
        throw new ApiProblem(
          PROBLEMS.conflict,
          `${participantId} is deactivated on the ledger; a token would authenticate a user the ledger refuses.`,
          { code: 'PARTICIPANT_INACTIVE' },
        );
      }
      const target: UserContext = {
        org: caller.org,
        mspId: participant.mspId,
        enrollmentId: participant.enrollmentId,
        participantId: participant.participantId,
        role: participant.role,
      };
      if (!(await ledger.hasIdentity(target))) {
        throw new ApiProblem(
          PROBLEMS.conflict,
          `This server's wallet holds no identity for ${participantId} (enrollment ${participant.enrollmentId}), so ` +
            'requests made with a token could not be signed; ask the organisation that registered the user.',
          { code: 'NO_IDENTITY' },
        );
      }
      return users.issueToken(target);
    },

    async revokeToken(caller, tokenId) {
      const token = await users.getToken(tokenId);
      const allowed =
        token !== undefined && (isOwner(caller, token) || (caller.role === 'admin' && caller.mspId === token.mspId));
      // Someone else's token is reported as missing: token ids are not to be probed.
      if (!allowed)
        throw new ApiProblem(PROBLEMS.notFound, `You have no token ${tokenId}.`, { code: 'TOKEN_NOT_FOUND' });
      const revoked = await users.revokeToken(tokenId);
      if (revoked === undefined)
        throw new ApiProblem(PROBLEMS.notFound, `You have no token ${tokenId}.`, { code: 'TOKEN_NOT_FOUND' });
      return revoked;
    },
  };
}
