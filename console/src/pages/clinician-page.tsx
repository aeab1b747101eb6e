/**
 * The clinician's page: find a patient (by this organisation's own identifier or by participant id), the records the
 * ledger lets this clinician list (those its own organisation holds), read one for a purpose, break the glass in an
 * emergency, add a record. The ledger lists another custodian's records to nobody but the patient, so such a record is
 * opened by the id the patient shares from their page; the read is then decided by the patient's consents.
 */
import { useState } from 'react';
import { ApiError } from '../api/api-error';
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
  /** undefined: the ledger lets this clinician list none of them (no open relationship with this organisation). */
  readonly records: readonly RecordPointer[] | undefined;
}

export function ClinicianPage(): React.JSX.Element {
  const { api, me } = useSession();
  const find = useAction();
  const [by, setBy] = useState<FindBy>('participantId');
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<Found | undefined>(undefined);
  const [recordIdInput, setRecordIdInput] = useState('');
  const [opened, setOpened] = useState<string[]>([]);

  async function lookUp(patientId: string): Promise<Found> {
    const id = encodeURIComponent(patientId);
    const [patient, records] = await Promise.all([
      api.get<Participant>(`/v1/participants/${id}`),
      allPages<RecordPointer>(api, `/v1/patients/${id}/records`).catch((err: unknown) => {
        if (err instanceof ApiError && err.problem.status === 403) return undefined;
        throw err;
      }),
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
            Registered at {organisationName(found.patient.mspId)}, {found.patient.status}.{' '}
            {found.records === undefined
              ? `The patient has no open relationship with ${organisationName(me.mspId)}, so you may list none of their records here; open a record they shared with you by its id below.`
              : `${String(found.records.length)} records held by ${organisationName(me.mspId)}.`}
          </p>
          {found.records === undefined ? null : (
            <>
              <ul className="cards">
                {found.records.map((r) => (
                  <RecordReader key={r.recordId} recordId={r.recordId} pointer={r} />
                ))}
              </ul>
              <AddRecordForm patientId={found.patient.participantId} onAdded={() => void reload()} />
            </>
          )}
        </section>
      )}
      <section aria-labelledby="open-heading">
        <h2 id="open-heading">Open a record by id</h2>
        <p>A record held by another organisation: the patient shares its id from their page.</p>
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            const id = recordIdInput.trim();
            if (id !== '' && !opened.includes(id)) setOpened([id, ...opened]);
          }}
        >
          <label>
            Record id
            <input
              name="record-id"
              value={recordIdInput}
              spellCheck={false}
              onChange={(e) => {
                setRecordIdInput(e.target.value);
              }}
            />
          </label>
          <button type="submit" disabled={recordIdInput.trim() === ''}>
            Open
          </button>
        </form>
        <ul className="cards">
          {opened.map((id) => (
            <RecordReader key={id} recordId={id} />
          ))}
        </ul>
      </section>
    </>
  );
}
