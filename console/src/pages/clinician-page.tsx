/**
 * The clinician's page: find a patient (by this organisation's own identifier or by participant id), the records the
 * ledger lets this clinician list, read one for a purpose, break the glass in an emergency, add a record.
 */
import { useState } from 'react';
import { allPages } from '../api/paging';
import type { Participant, RecordPointer } from '../api/types';
import { ProblemAlert } from '../components/problem-alert';
import { Progress } from '../components/progress';
import { useAction } from '../components/use-action';
import { organisationName } from '../logic/wording';
import { useSession } from '../session/session-context';
import { AddRecordForm } from './clinician/add-record-form';
import { RecordReader } from './clinician/record-reader';

type FindBy = 'participantId' | 'externalId';

interface Found {
  readonly patient: Participant;
  readonly records: readonly RecordPointer[];
}

export function ClinicianPage(): React.JSX.Element {
  const { api, me } = useSession();
  const find = useAction();
  const [by, setBy] = useState<FindBy>('participantId');
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<Found | undefined>(undefined);

  async function lookUp(patientId: string): Promise<Found> {
    const id = encodeURIComponent(patientId);
    const [patient, records] = await Promise.all([
      api.get<Participant>(`/v1/participants/${id}`),
      allPages<RecordPointer>(api, `/v1/patients/${id}/records`),
    ]);
    return { patient, records };
  }

  async function search(event: React.SyntheticEvent): Promise<void> {
    event.preventDefault();
    setFound(undefined);
    const value = query.trim();
    const result = await find.run(async () => {
      const patientId =
        by === 'participantId'
          ? value
          : (await api.get<Participant>(`/v1/participants?externalId=${encodeURIComponent(value)}`)).participantId;
      return lookUp(patientId);
    });
    if (result !== undefined) setFound(result);
  }

  async function reload(): Promise<void> {
    if (found === undefined) return;
    const result = await find.run(() => lookUp(found.patient.participantId));
    if (result !== undefined) setFound(result);
  }

  return (
    <>
      <h1>Patients and records</h1>
      <section aria-labelledby="find-heading">
        <h2 id="find-heading">Find a patient</h2>
        <form onSubmit={(e) => void search(e)} className="row">
          <label>
            Find by
            <select
              value={by}
              onChange={(e) => {
                setBy(e.target.value as FindBy);
              }}
            >
              <option value="participantId">Patient id (on the ledger)</option>
              <option value="externalId">{organisationName(me.mspId)} identifier (MRN)</option>
            </select>
          </label>
          <label>
            Patient
            <input
              name="patient"
              value={query}
              spellCheck={false}
              onChange={(e) => {
                setQuery(e.target.value);
              }}
            />
          </label>
          <button type="submit" disabled={find.busy || query.trim() === ''}>
            Find
          </button>
        </form>
        {find.busy ? <Progress label="Looking the patient up on the ledger…" /> : null}
        <ProblemAlert problem={find.problem} />
      </section>
      {found === undefined ? null : (
        <section aria-labelledby="patient-heading">
          <h2 id="patient-heading">
            Patient <span className="mono">{found.patient.participantId}</span>
          </h2>
          <p>
            Registered at {organisationName(found.patient.mspId)}, {found.patient.status}. {found.records.length}{' '}
            records you may list.
          </p>
          <ul className="cards">
            {found.records.map((r) => (
              <RecordReader key={r.recordId} record={r} />
            ))}
          </ul>
          <AddRecordForm patientId={found.patient.participantId} onAdded={() => void reload()} />
        </section>
      )}
    </>
  );
}
