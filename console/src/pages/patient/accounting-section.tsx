/** The patient's HIPAA accounting of disclosures, as the PDF the organisation hands out. */
import { ProblemAlert } from '../../components/problem-alert';
import { Progress } from '../../components/progress';
import { saveDownload } from '../../components/save-download';
import { useAction } from '../../components/use-action';
import { organisationName } from '../../logic/wording';
import { useSession } from '../../session/session-context';

export function AccountingSection({ patientId }: { readonly patientId: string }): React.JSX.Element {
  const { api, me } = useSession();
  const action = useAction();

  async function download(): Promise<void> {
    const file = await action.run(() =>
      api.download(`/v1/patients/${encodeURIComponent(patientId)}/accounting?format=pdf`),
    );
    if (file !== undefined) saveDownload(file, `accounting-of-disclosures-${patientId}.pdf`);
  }

  return (
    <section aria-labelledby="accounting-heading">
      <h2 id="accounting-heading">Accounting of disclosures</h2>
      <p>
        Every release of your records by {organisationName(me.mspId)} in the last six years: to whom, what and why
        (HIPAA 45 CFR 164.528).
      </p>
      <button type="button" onClick={() => void download()} disabled={action.busy}>
        Download the accounting (PDF)
      </button>
      {action.busy ? <Progress label="Preparing the PDF from the ledger…" /> : null}
      <ProblemAlert problem={action.problem} />
    </section>
  );
}
