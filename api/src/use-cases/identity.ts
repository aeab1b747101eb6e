/** The caller, participants and their API tokens. */
import type { Participant, Role } from '../../../sdk/src/chaincode-types';
import { ChaincodeError } from '../../../sdk/src/errors';
import { ApiProblem, PROBLEMS } from '../http/problem';
import type {
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
  registerParticipant(
    caller: UserContext,
    request: Readonly<{ participantId: string; role: Role; enrollmentId?: string }>,
  ): Promise<ParticipantRegistered>;
  getParticipant(caller: UserContext, participantId: string): Promise<Participant>;
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
}

/** Roles a registrar may not create (chaincode/README.md, permission matrix): only an admin creates those. */
const ADMIN_ONLY_ROLES: ReadonlySet<Role> = new Set<Role>(['admin', 'registrar']);

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
  if (caller.role === 'registrar' && ADMIN_ONLY_ROLES.has(role)) {
    throw forbidden(`A registrar may not register the role ${role}; ask an admin of ${caller.org}.`);
  }
}

function isOwner(caller: UserContext, owner: Readonly<{ mspId: string; participantId: string }>): boolean {
  return caller.mspId === owner.mspId && caller.participantId === owner.participantId;
}

function isNotFound(err: unknown): boolean {
  return err instanceof ChaincodeError && err.code === 'MEDREC_NOT_FOUND';
}

export function createIdentityUseCases(ports: IdentityPorts): IdentityUseCases {
  const { ledger, users, registration } = ports;

  async function assertNew(caller: UserContext, participantId: string): Promise<void> {
    try {
      const existing = await (await ledger.clientFor(caller)).getParticipant(participantId);
      throw new ApiProblem(
        PROBLEMS.conflict,
        `Participant ${participantId} is already registered (at ${existing.mspId}, role ${existing.role}).`,
        { code: 'PARTICIPANT_EXISTS', transactionId: existing.txId },
      );
    } catch (err) {
      if (!isNotFound(err)) throw err;
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
      await assertNew(caller, request.participantId);
      const { participant, transactionId } = await registration.register({
        caller,
        role: request.role,
        participantId: request.participantId,
        ...(request.enrollmentId === undefined ? {} : { enrollmentId: request.enrollmentId }),
      });
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

    async deactivateParticipant(caller, participantId) {
      const { value, transactionId } = await (await ledger.clientFor(caller)).deactivateParticipant(participantId);
      // The ledger already refuses an inactive participant; revoking its tokens also stops it at this door.
      const revokedTokens = await users.revokeTokensOf({ mspId: value.mspId, participantId: value.participantId });
      return { participant: value, transactionId, revokedTokens };
    },

    async listTokens(caller, participantId) {
      const owner = { mspId: caller.mspId, participantId };
      if (!isOwner(caller, owner) && caller.role !== 'admin') {
        throw forbidden('Only the token owner or an admin of its organisation may list its tokens.');
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
