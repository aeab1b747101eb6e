/**
 * One error root: every error the SDK and the gatekeeper service throw is a MedRecError whose code belongs to its
 * family's closed list, and every code a family lists is carried by one of its classes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { ERROR_CODES } from '../../../contract/src/index';
import { REPO_ROOT } from '../../../network/src/paths';
import { AUDIT_EXPORT_ERROR_CODES, AuditExportError } from '../../../sdk/src/audit-export/audit-export-errors';
import {
  ChaincodeError,
  CONTENT_ERROR_CODES,
  ContentHashMismatchError,
  EndorsementMismatchError,
  GATEWAY_ERROR_CODES,
  LedgerError,
  LedgerFailureError,
  MedRecError,
  NetworkUnavailableError,
  TransactionInvalidError,
  type SdkErrorCode,
} from '../../../sdk/src/errors';
import {
  FHIR_ERROR_CODES,
  FhirError,
  InvalidFhirResourceError,
  NonCanonicalContentError,
  UnsupportedFhirResourceTypeError,
} from '../../../sdk/src/fhir/fhir-errors';
import { GatekeeperTransportError } from '../../../sdk/src/gatekeeper/gatekeeper-client';
import { GATEKEEPER_ERROR_CODES, GatekeeperError } from '../../../sdk/src/gatekeeper/gatekeeper-errors';
import {
  BadProofSignatureError,
  InvalidProofOptionError,
  MalformedProofError,
  PROOF_ERROR_CODES,
  ProofCertificateError,
  ProofError,
  ProofMismatchError,
  ReplayCacheFullError,
  ReplayedProofError,
  StaleProofError,
} from '../../../sdk/src/gatekeeper/proof-errors';
import {
  RECORD_REGISTRATION_ERROR_CODES,
  RecordAuthorMismatchError,
  RecordRegistrationError,
} from '../../../gatekeeper/src/registration-errors';
import {
  IDENTITY_ERROR_CODES,
  IdentityError,
  IdentityExistsError,
  IdentityServiceError,
} from '../../../sdk/src/identity-errors';
import {
  AccessDeniedError,
  CustodianError,
  GatekeeperRefusedError,
  RECORD_RETRIEVAL_ERROR_CODES,
  RecordRetrievalError,
} from '../../../sdk/src/record-retrieval-errors';
import { InvalidSeedOptionError, SEED_ERROR_CODES, SeedError } from '../../../sdk/src/seed/seed-errors';
import {
  InvalidStoreInputError,
  RecordAlreadyRegisteredError,
  RecordConflictError,
  RecordNotFoundError,
  RecordStoreError,
  STORE_ERROR_CODES,
  StoreClosedError,
  StoreUnavailableError,
} from '../../../gatekeeper/src/store/store-errors';
import {
  InsecureWalletPermissionsError,
  InvalidWalletInputError,
  TamperedWalletEntryError,
  WALLET_ERROR_CODES,
  WalletError,
  WrongWalletKeyError,
} from '../../../sdk/src/wallet/wallet-errors';
import type { GatekeeperServiceErrorCode } from '../../../gatekeeper/src/errors';
import { ticket } from '../api/support/fixtures';

/** An error of the SDK's families or of the gatekeeper service's, all rooted in the SDK's MedRecError. */
type AnyMedRecError = MedRecError<SdkErrorCode | GatekeeperServiceErrorCode>;
type Family = abstract new (...args: never[]) => AnyMedRecError;

/** Each family's base class and the codes it may carry (a relaying family also carries the codes it relays). */
const FAMILIES: readonly (readonly [Family, readonly string[]])[] = [
  [LedgerError, [...ERROR_CODES, ...GATEWAY_ERROR_CODES]],
  [ContentHashMismatchError, CONTENT_ERROR_CODES],
  [
    RecordRetrievalError,
    [...RECORD_RETRIEVAL_ERROR_CODES, 'MEDREC_FORBIDDEN', ...GATEKEEPER_ERROR_CODES, ...PROOF_ERROR_CODES],
  ],
  [RecordRegistrationError, RECORD_REGISTRATION_ERROR_CODES],
  [IdentityError, IDENTITY_ERROR_CODES],
  [FhirError, FHIR_ERROR_CODES],
  [RecordStoreError, STORE_ERROR_CODES],
  [WalletError, WALLET_ERROR_CODES],
  [GatekeeperError, GATEKEEPER_ERROR_CODES],
  [ProofError, PROOF_ERROR_CODES],
  [AuditExportError, AUDIT_EXPORT_ERROR_CODES],
  [SeedError, SEED_ERROR_CODES],
];

/** One instance of every concrete SDK and gatekeeper service error class (each code of the classes that take one). */
const ERRORS: readonly AnyMedRecError[] = [
  ...ERROR_CODES.map((code) => new ChaincodeError({ code, message: 'refused', transactionId: 'tx' })),
  new TransactionInvalidError({ validationCode: 'MVCC_READ_CONFLICT', transactionId: 'tx' }),
  new EndorsementMismatchError({ details: [{ address: 'peer0:7051', mspId: 'H1', message: 'mismatch' }] }),
  new NetworkUnavailableError({ message: 'down' }),
  new LedgerFailureError({ message: 'unknown' }),
  new ContentHashMismatchError({ recordId: 'r', expected: 'a', actual: 'b' }),
  new AccessDeniedError(ticket('deny')),
  new GatekeeperRefusedError({ status: 403, code: 'GATEKEEPER_NOT_PERMITTED', message: 'no', transactionId: 'tx' }),
  new GatekeeperRefusedError({ status: 418, code: 'GATEKEEPER_FROM_THE_FUTURE', message: '?', transactionId: 'tx' }),
  new CustodianError({ custodianMsp: 'H1', message: 'down' }),
  new GatekeeperTransportError({ reason: 'network', message: 'unreachable' }),
  new RecordAuthorMismatchError({ recordId: 'r', authorId: 'a', registeredBy: 'b' }),
  new IdentityExistsError('alice'),
  new IdentityServiceError('enrollment of alice', new Error('refused')),
  new InvalidFhirResourceError('Observation', [{ path: 'Observation.status', message: 'is required' }]),
  new UnsupportedFhirResourceTypeError('Basic', ['Observation']),
  new NonCanonicalContentError('NaN'),
  new InvalidStoreInputError({ field: 'recordId', message: 'bad' }),
  new RecordConflictError('r'),
  new RecordNotFoundError('r'),
  new RecordAlreadyRegisteredError({ recordId: 'r', registrationTxId: 'tx' }),
  new StoreClosedError(),
  new StoreUnavailableError('no database'),
  new InvalidWalletInputError({ field: 'label', message: 'bad' }),
  new WrongWalletKeyError('alice'),
  new TamperedWalletEntryError('alice', 'tag mismatch'),
  new InsecureWalletPermissionsError('/w/alice.id.json', 0o644),
  ...GATEKEEPER_ERROR_CODES.map((code) => new GatekeeperError(code, 'refused')),
  new MalformedProofError({ field: 'nonce', message: 'bad' }),
  new ProofMismatchError('recordId'),
  new StaleProofError({ skewMs: -90_000, windowMs: 60_000 }),
  new ReplayedProofError(),
  new BadProofSignatureError(),
  new ProofCertificateError('not P-256'),
  new ReplayCacheFullError(10),
  new InvalidProofOptionError({ option: 'windowMs', message: 'bad' }),
  ...AUDIT_EXPORT_ERROR_CODES.map((code) => new AuditExportError({ code, message: 'failed' })),
  new InvalidSeedOptionError({ option: 'patients', message: 'bad' }),
];

function familyOf(error: AnyMedRecError): readonly (readonly [Family, readonly string[]])[] {
  return FAMILIES.filter(([base]) => error instanceof base);
}

describe('SDK and gatekeeper service errors: one root, a closed code list per family', function () {
  for (const error of ERRORS) {
    it(`${error.name} (${error.code}) is a MedRecError of one family whose list has its code`, function () {
      expect(error).to.be.instanceOf(MedRecError);
      expect(error).to.be.instanceOf(Error);
      expect(error.name).to.equal(error.constructor.name);
      const families = familyOf(error);
      expect(families, 'exactly one family').to.have.length(1);
      expect(families[0]?.[1]).to.include(error.code);
    });
  }

  it('carries every code some family lists', function () {
    const carried = new Set(ERRORS.map((e) => e.code));
    const listed = FAMILIES.flatMap(([, codes]) => codes);
    expect(listed.filter((code) => !carried.has(code as AnyMedRecError['code']))).to.deep.equal([]);
  });

  it("narrows a gatekeeper's unknown code to GATEKEEPER_UNKNOWN_CODE and keeps the text in the message", function () {
    const error = new GatekeeperRefusedError({ status: 403, code: 'NEW_CODE', message: 'why', transactionId: 'tx' });
    expect(error.code).to.equal('GATEKEEPER_UNKNOWN_CODE');
    expect(error.message).to.include('NEW_CODE');
  });

  it('keeps the cause, the transaction id and the per-peer details', function () {
    const inner = new Error('CA said no');
    expect(new IdentityServiceError('enrollment of alice', inner).cause).to.equal(inner);
    expect(new AccessDeniedError(ticket('deny')).transactionId).to.equal(ticket('deny').txId);
    const details = [{ address: 'peer0:7051', mspId: 'H1', message: 'mismatch' }];
    expect(new EndorsementMismatchError({ details }).details).to.deep.equal(details);
    expect(new StoreClosedError().details).to.deep.equal([]);
  });

  it('has no error class in sdk/src or gatekeeper/src that extends Error except the root', function () {
    const offenders = (dir: string): string[] =>
      fs
        .readdirSync(dir, { recursive: true, encoding: 'utf8' })
        .filter((file) => file.endsWith('.ts'))
        .filter((file) => /class \w+(<[^>]*>)? extends Error\b/.test(fs.readFileSync(path.join(dir, file), 'utf8')));
    expect(offenders(path.join(REPO_ROOT, 'sdk', 'src'))).to.deep.equal(['medrec-error.ts']);
    expect(offenders(path.join(REPO_ROOT, 'gatekeeper', 'src'))).to.deep.equal([]);
  });
});
