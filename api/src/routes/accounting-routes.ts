import { renderAccountingCsv, renderAccountingPdf } from '@medrec/sdk';
import type { OperationHandler } from '../http/operation-router';
import type { AccountingUseCases } from '../use-cases/accounting';
import { optionalQuery, pathParam } from './input';

export const ACCOUNTING_FORMATS = ['json', 'csv', 'pdf'] as const;
export type AccountingFormat = (typeof ACCOUNTING_FORMATS)[number];

/** The ledger compares UTC ISO times: normalise any RFC 3339 offset the validator accepted. */
function utc(value: string | undefined): string | undefined {
  return value === undefined ? undefined : new Date(value).toISOString();
}

export function accountingRoutes(useCases: AccountingUseCases): Readonly<Record<string, OperationHandler>> {
  return {
    getAccountingOfDisclosures: async ({ auth, input, res }) => {
      const patientId = pathParam(input, 'patientId');
      const format = (optionalQuery(input, 'format') ?? 'json') as AccountingFormat;
      const from = utc(optionalQuery(input, 'from'));
      const to = utc(optionalQuery(input, 'to'));
      const report = await useCases.accounting(auth.user, {
        patientId,
        ...(from === undefined ? {} : { from }),
        ...(to === undefined ? {} : { to }),
      });
      if (format === 'json') return { status: 200, body: report };
      // The patient id is a pseudonymous id of [A-Za-z0-9._:-]: safe in a quoted file name.
      const file = `accounting-of-disclosures-${patientId}.${format}`;
      res.setHeader('content-disposition', `attachment; filename="${file}"`);
      if (format === 'csv') return { status: 200, body: renderAccountingCsv(report), contentType: 'text/csv' };
      return { status: 200, body: await renderAccountingPdf(report), contentType: 'application/pdf' };
    },
  };
}
