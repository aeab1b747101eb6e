/**
 * Adding a record for a patient admitted to this organisation: a coded condition, written as the FHIR resource the
 * custodian stores (the ledger gets its hash and a pointer, never the content).
 */
import { useState } from 'react';
import type { RecordPointer } from '../../api/types';
import { ProblemAlert } from '../../components/problem-alert';
import { Progress } from '../../components/progress';
import { useAction } from '../../components/use-action';
import { useSession } from '../../session/session-context';

interface RecordRegistered {
  readonly record: RecordPointer;
  readonly transactionId: string;
}

function conditionResource(patientId: string, code: string, display: string, onset: string): Record<string, unknown> {
  return {
    resourceType: 'Condition',
    clinicalStatus: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }],
    },
    code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code, display }] },
    subject: { reference: `Patient/${patientId}` },
    ...(onset === '' ? {} : { onsetDateTime: onset }),
  };
}

export function AddRecordForm({
  patientId,
  onAdded,
}: {
  readonly patientId: string;
  readonly onAdded: () => void;
}): React.JSX.Element {
  const { api } = useSession();
  const action = useAction();
  const [code, setCode] = useState('');
  const [display, setDisplay] = useState('');
  const [onset, setOnset] = useState('');
  const [added, setAdded] = useState<string | undefined>(undefined);

  async function add(event: React.SyntheticEvent): Promise<void> {
    event.preventDefault();
    setAdded(undefined);
    const result = await action.run(() =>
      api.send<RecordRegistered>(
        'POST',
        `/v1/patients/${encodeURIComponent(patientId)}/records`,
        conditionResource(patientId, code.trim(), display.trim(), onset),
      ),
    );
    if (result !== undefined) {
      setAdded(`Added record ${result.record.recordId} (transaction ${result.transactionId}).`);
      onAdded();
    }
  }

  return (
    <form onSubmit={(e) => void add(e)} className="panel" aria-labelledby="add-heading">
      <h3 id="add-heading">Add a condition</h3>
      <div className="row">
        <label>
          ICD-10-CM code
          <input
            name="code"
            value={code}
            required
            onChange={(e) => {
              setCode(e.target.value);
            }}
          />
        </label>
        <label>
          Description
          <input
            name="display"
            value={display}
            required
            onChange={(e) => {
              setDisplay(e.target.value);
            }}
          />
        </label>
        <label>
          Since (optional)
          <input
            name="onset"
            type="date"
            value={onset}
            onChange={(e) => {
              setOnset(e.target.value);
            }}
          />
        </label>
      </div>
      <button type="submit" disabled={action.busy || code.trim() === '' || display.trim() === ''}>
        Add record
      </button>
      {action.busy ? (
        <Progress label="Storing at this organisation's gatekeeper and registering on the ledger…" />
      ) : null}
      <ProblemAlert problem={action.problem} />
      {added === undefined ? null : (
        <p role="status" className="ok">
          {added}
        </p>
      )}
    </form>
  );
}
