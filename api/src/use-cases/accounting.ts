/** The HIPAA accounting of disclosures (45 CFR 164.528) of one patient, built as the caller. */
import {
  buildAccountingOfDisclosures,
  coveredEntityOf,
  createLedgerAuditEventSource,
  type AccountingReport,
} from '@medrec/sdk';
import { ApiProblem, PROBLEMS } from '../http/problem';
import type { LedgerGateway, RecordDescriptions, UserContext } from '../ports';

export interface AccountingRequest {
  readonly patientId: string;
  /** UTC ISO 8601; default six years before `to`. */
  readonly from?: string;
  /** UTC ISO 8601; default (and at most) now. */
  readonly to?: string;
}

export interface AccountingUseCases {
  accounting(user: UserContext, request: Readonly<AccountingRequest>): Promise<AccountingReport>;
}

/** Roles the ledger lets read a patient's trail at all (Audit:QueryByPatient): the patient or delegate, compliance. */
const MAY_ASK: ReadonlySet<string> = new Set(['patient', 'compliance']);

export function createAccountingUseCases(
  ports: Readonly<{ ledger: LedgerGateway; recordDescriptions: RecordDescriptions }>,
): AccountingUseCases {
  const { ledger, recordDescriptions } = ports;
  return {
    async accounting(user, request) {
      // Refused here without a ledger call for the roles the chaincode refuses anyway; which patient a patient or
      // compliance officer may ask about (themself, as delegate, in custody) is the ledger's decision, made by the
      // first audit read as the caller, before anything is described or rendered.
      if (!MAY_ASK.has(user.role)) {
        throw new ApiProblem(
          PROBLEMS.forbidden,
          'Only the patient, a delegate acting for them, or a compliance officer of an organisation that has the ' +
            'patient in custody may obtain their accounting of disclosures.',
          { code: 'MEDREC_FORBIDDEN' },
        );
      }
      if (request.from !== undefined && request.to !== undefined && request.from >= request.to) {
        throw new ApiProblem(PROBLEMS.validation, 'The period is [from, to): give a from before to.', {
          code: 'VALIDATION_FAILED',
          errors: [{ in: 'query', path: '/from', message: 'from must be before to' }],
        });
      }
      const client = await ledger.clientFor(user);
      const source = createLedgerAuditEventSource(client);
      // The covered entity is the caller's organisation: the one whose API answers and whose records it describes.
      const coveredEntity = coveredEntityOf(await client.getOrganisation(user.mspId));
      return buildAccountingOfDisclosures({
        patientId: request.patientId,
        coveredEntity,
        source,
        lookups: client,
        describeRecord: (ticket) => recordDescriptions.describe(ticket),
        ...(request.from === undefined ? {} : { from: request.from }),
        ...(request.to === undefined ? {} : { to: request.to }),
      });
    },
  };
}
