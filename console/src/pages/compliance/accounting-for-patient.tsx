/** A patient's accounting of disclosures by this organisation, as the officer prints it for them (PDF or CSV). */
import { useState } from 'react';
import { ProblemAlert } from '../../components/problem-alert';
import { Progress } from '../../components/progress';
import { saveDownload } from '../../components/save-download';
import { useAction } from '../../components/use-action';
import { useSession } from '../../session/session-context';

export function AccountingForPatient(): React.JSX.Element {
  const { api } = useSession();
  const action = useAction();
  const [patientId, setPatientId] = useState('');
  const [format, setFormat] = useState<'pdf' | 'csv'>('pdf');

  async function download(event: React.SyntheticEvent): Promise<void> {
    event.preventDefault();
    const id = patientId.trim();
    const file = await action.run(() =>
      api.download(`/v1/patients/${encodeURIComponent(id)}/accounting?format=${format}`),
    );
    if (file !== undefined) saveDownload(file, `accounting-of-disclosures-${id}.${format}`);
  }

  return (
    <section aria-labelledby="accounting-heading">
      <h2 id="accounting-heading">Accounting of disclosures for a patient</h2>
      <form onSubmit={(e) => void download(e)} className="row">
        <label>
          Patient id
          <input
            name="accounting-patient"
            value={patientId}
            spellCheck={false}
            onChange={(e) => {
              setPatientId(e.target.value);
            }}
          />
        </label>
        <label>
          Format
          <select
            name="accounting-format"
            value={format}
            onChange={(e) => {
              setFormat(e.target.value as 'pdf' | 'csv');
            }}
          >
            <option value="pdf">PDF (to hand to the patient)</option>
            <option value="csv">CSV</option>
          </select>
        </label>
        <button type="submit" disabled={action.busy || patientId.trim() === ''}>
          Download the accounting
        </button>
      </form>
      {action.busy ? <Progress label="Preparing the accounting from the ledger…" /> : null}
      <ProblemAlert problem={action.problem} />
    </section>
  );
}
