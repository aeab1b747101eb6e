/** The compliance officer's page: audit search, export and verification, the break-glass review queue, accountings. */
import { AccountingForPatient } from './compliance/accounting-for-patient';
import { AuditSearch } from './compliance/audit-search';
import { BreakGlassQueue } from './compliance/break-glass-queue';
import { ExportAndVerify } from './compliance/export-and-verify';

export function CompliancePage(): React.JSX.Element {
  return (
    <>
      <h1>Audit and compliance</h1>
      <AuditSearch />
      <ExportAndVerify />
      <BreakGlassQueue />
      <AccountingForPatient />
    </>
  );
}
