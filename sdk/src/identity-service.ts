import FabricCAServices from 'fabric-ca-client';
import { User, Utils } from 'fabric-common';
import type { Role } from './chaincode-types';
import { IdentityServiceError } from './identity-errors';
import type { ClientIdentity } from './gateway-connection';

/** An identity whose certificate came from its organisation's CA, with the enrollment id the CA knows it by. */
export interface EnrolledIdentity extends ClientIdentity {
  readonly enrollmentId: string;
}

export interface IdentityServiceOptions {
  /** https://host:port of the organisation's Fabric CA. */
  readonly caUrl: string;
  readonly caName: string;
  /** PEM the CA's TLS certificate must chain to: the connection is always verified. */
  readonly tlsRootCertificate: string;
  readonly mspId: string;
  /** An identity allowed to register and revoke (hf.Registrar.Roles, hf.Revoker). */
  readonly registrar: EnrolledIdentity;
}

export interface RegistrationRequest {
  readonly enrollmentId: string;
  readonly role: Role;
  /** The MedRec participant id written into the certificate as medrec.id. */
  readonly participantId: string;
  /** Enrollment secret; when omitted the CA generates one and it is returned. */
  readonly secret?: string;
}

/** Registers, enrolls, re-enrolls and revokes users at one organisation's Fabric CA. */
export interface IdentityService {
  /** Registers a user whose certificates will carry medrec.role and medrec.id; returns the enrollment secret. */
  register(request: Readonly<RegistrationRequest>): Promise<string>;
  enroll(enrollmentId: string, secret: string): Promise<EnrolledIdentity>;
  /** Key rotation: a new key pair and certificate for the same enrollment id, so the same participant. */
  reenroll(identity: EnrolledIdentity): Promise<EnrolledIdentity>;
  /** Revokes every certificate of the enrollment id. */
  revoke(enrollmentId: string, reason?: string): Promise<void>;
}

// Declared with its family (identity-errors.ts); still importable from here, where it is thrown.
export { IdentityServiceError };

export function createIdentityService(options: Readonly<IdentityServiceOptions>): IdentityService {
  return new IdentityServiceImpl(options);
}

const MEDREC_ATTRIBUTES = [
  { name: 'medrec.role', optional: false },
  { name: 'medrec.id', optional: false },
] as const;

/**
 * fabric-ca-client gives up on a CA that has not answered within 3 s (its 'connection-timeout', which is an idle
 * socket timeout, so it also bounds the wait for the answer). A CA hashing secrets for many registrations at once on
 * a busy host answers later than that, and the registration then failed although the CA completed it. The setting is
 * process-wide in fabric-common's configuration, which the CA client reads on every call.
 */
const CA_TIMEOUT_MS = 30_000;
// fabric-common's typings omit setConfigSetting, which its Utils module exports.
(Utils as unknown as { setConfigSetting(name: string, value: unknown): void }).setConfigSetting(
  'connection-timeout',
  CA_TIMEOUT_MS,
);

class IdentityServiceImpl implements IdentityService {
  readonly #ca: FabricCAServices;
  readonly #options: Readonly<IdentityServiceOptions>;

  constructor(options: Readonly<IdentityServiceOptions>) {
    this.#options = options;
    this.#ca = new FabricCAServices(
      options.caUrl,
      { trustedRoots: [options.tlsRootCertificate], verify: true },
      options.caName,
    );
  }

  #user(identity: EnrolledIdentity): User {
    return User.createUser(identity.enrollmentId, '', identity.mspId, identity.certificate, identity.privateKey);
  }

  async register(request: Readonly<RegistrationRequest>): Promise<string> {
    try {
      return await this.#ca.register(
        {
          enrollmentID: request.enrollmentId,
          ...(request.secret === undefined ? {} : { enrollmentSecret: request.secret }),
          role: 'client',
          affiliation: '',
          attrs: [
            { name: 'medrec.role', value: request.role, ecert: true },
            { name: 'medrec.id', value: request.participantId, ecert: true },
          ],
        },
        this.#user(this.#options.registrar),
      );
    } catch (err) {
      throw new IdentityServiceError(`registration of ${request.enrollmentId}`, err);
    }
  }

  async enroll(enrollmentId: string, secret: string): Promise<EnrolledIdentity> {
    try {
      const response = await this.#ca.enroll({
        enrollmentID: enrollmentId,
        enrollmentSecret: secret,
        attr_reqs: [...MEDREC_ATTRIBUTES],
      });
      return {
        enrollmentId,
        mspId: this.#options.mspId,
        certificate: response.certificate,
        privateKey: response.key.toBytes(),
      };
    } catch (err) {
      throw new IdentityServiceError(`enrollment of ${enrollmentId}`, err);
    }
  }

  async reenroll(identity: EnrolledIdentity): Promise<EnrolledIdentity> {
    try {
      const response = await this.#ca.reenroll(this.#user(identity), [...MEDREC_ATTRIBUTES]);
      return { ...identity, certificate: response.certificate, privateKey: response.key.toBytes() };
    } catch (err) {
      throw new IdentityServiceError(`re-enrollment of ${identity.enrollmentId}`, err);
    }
  }

  async revoke(enrollmentId: string, reason = 'unspecified'): Promise<void> {
    try {
      await this.#ca.revoke({ enrollmentID: enrollmentId, reason }, this.#user(this.#options.registrar));
    } catch (err) {
      throw new IdentityServiceError(`revocation of ${enrollmentId}`, err);
    }
  }
}
