/**
 * Reading one record: the clinician picks a purpose, the API asks the ledger for a ticket (recorded, also when
 * refused), fetches the content from its custodian and checks it; the console shows it as text and checks the content
 * hash again against the ledger's. Break-glass asks for a time-boxed emergency ticket with a coded reason instead.
 */
import { useState } from 'react';
import type { Purpose, RecordContent, RecordPointer, TicketIssued } from '../../api/types';
import { ProblemAlert } from '../../components/problem-alert';
import { Progress } from '../../components/progress';
import { useAction } from '../../components/use-action';
import { checkContentHash, type HashCheck } from '../../logic/content-hash';
import { readableFhir } from '../../logic/fhir-text';
import {
  CATEGORY_WORDS,
  PURPOSES,
  capitalised,
  PURPOSE_STAFF_WORDS,
  organisationName,
  when,
} from '../../logic/wording';
import { useSession } from '../../session/session-context';
import { BREAK_GLASS_REASON_WORDS, type BreakGlassReason } from './break-glass-reasons';

interface Shown {
  readonly content: RecordContent;
  readonly check: HashCheck;
}

function HashLine({ check }: { readonly check: HashCheck }): React.JSX.Element {
  switch (check.kind) {
    case 'match':
      return (
        <p className="ok hash-check" role="status">
          Content hash checked in this browser: SHA-256 <span className="mono">{check.hash}</span> matches the ledger.
        </p>
      );
    case 'mismatch':
      return (
        <p className="problem hash-check" role="alert">
          Content hash mismatch: this content hashes to <span className="mono">{check.hash}</span>, the ledger says{' '}
          <span className="mono">{check.expected}</span>. Do not rely on it; report it to the custodian.
        </p>
      );
    case 'unavailable':
      return <p className="muted hash-check">The content hash could not be checked here: {check.why}.</p>;
  }
}

function Content({ shown }: { readonly shown: Shown }): React.JSX.Element {
  const { resource, ticket } = shown.content;
  const readable = readableFhir(resource);
  return (
    <article className="record-content" aria-label="Record content">
      <h4>{readable.title}</h4>
      <dl>
        {readable.fields.map((f, i) => (
          <div key={`${f.label}-${String(i)}`}>
            <dt>{f.label}</dt>
            <dd>{f.value}</dd>
          </div>
        ))}
      </dl>
      <HashLine check={shown.check} />
      <p className="muted">
        Ticket <span className="mono">{ticket.ticketId}</span> ({ticket.kind}, {ticket.reason}) for{' '}
        {PURPOSE_STAFF_WORDS[ticket.purpose]}, valid until {when(ticket.expiresAt)}.
      </p>
    </article>
  );
}

/** One record, from a listing (its pointer known) or opened by id (another custodian's record the patient shared). */
export function RecordReader({
  recordId,
  pointer,
}: {
  readonly recordId: string;
  readonly pointer?: RecordPointer | undefined;
}): React.JSX.Element {
  const { api } = useSession();
  const read = useAction();
  const glass = useAction();
  const [purpose, setPurpose] = useState<Purpose>('TREAT');
  const [reason, setReason] = useState<BreakGlassReason>('life-threatening-emergency');
  const [minutes, setMinutes] = useState(30);
  const [shown, setShown] = useState<Shown | undefined>(undefined);
  const id = encodeURIComponent(recordId);

  async function show(content: RecordContent): Promise<void> {
    setShown({ content, check: await checkContentHash(content.resource, content.ticket.contentHash) });
  }

  async function readRecord(): Promise<void> {
    setShown(undefined);
    const content = await read.run(() => api.get<RecordContent>(`/v1/records/${id}?purpose=${purpose}`));
    if (content !== undefined) await show(content);
  }

  async function breakGlass(): Promise<void> {
    setShown(undefined);
    const content = await glass.run(async () => {
      const issued = await api.send<TicketIssued>('POST', `/v1/records/${id}/break-glass`, {
        reason,
        durationMinutes: minutes,
      });
      const ticketId = encodeURIComponent(issued.ticket.ticketId);
      return api.get<RecordContent>(`/v1/records/${id}?purpose=ETREAT&ticketId=${ticketId}`);
    });
    if (content !== undefined) await show(content);
  }

  const headingId = `record-${recordId}`;
  return (
    <li className="card" data-record-id={recordId} aria-labelledby={headingId}>
      <h3 id={headingId}>
        {pointer === undefined
          ? 'Record opened by id'
          : `${capitalised(CATEGORY_WORDS[pointer.category])} held by ${organisationName(pointer.custodianMsp)}`}
      </h3>
      <p className="muted">
        {pointer === undefined ? '' : `Added ${when(pointer.registeredAt)}. `}Record{' '}
        <span className="mono">{recordId}</span>
      </p>
      <div className="row">
        <label>
          Purpose
          <select
            value={purpose}
            onChange={(e) => {
              setPurpose(e.target.value as Purpose);
            }}
          >
            {PURPOSES.map((p) => (
              <option key={p} value={p}>
                {PURPOSE_STAFF_WORDS[p]} ({p})
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={() => void readRecord()} disabled={read.busy || glass.busy}>
          Request access and read
        </button>
      </div>
      {read.busy ? <Progress label="Asking the ledger for a ticket and the custodian for the content…" /> : null}
      <ProblemAlert problem={read.problem} />
      <details className="break-glass-panel">
        <summary>Emergency access (break-glass)</summary>
        <p>
          Without consent, for an emergency only: the access is recorded, the patient is told, and a compliance officer
          reviews it.
        </p>
        <div className="row">
          <label>
            Reason
            <select
              value={reason}
              onChange={(e) => {
                setReason(e.target.value as BreakGlassReason);
              }}
            >
              {(Object.keys(BREAK_GLASS_REASON_WORDS) as BreakGlassReason[]).map((r) => (
                <option key={r} value={r}>
                  {BREAK_GLASS_REASON_WORDS[r]}
                </option>
              ))}
            </select>
          </label>
          <label>
            Minutes (5-240)
            <input
              type="number"
              min={5}
              max={240}
              value={minutes}
              onChange={(e) => {
                setMinutes(Number(e.target.value));
              }}
            />
          </label>
          <button type="button" className="danger" onClick={() => void breakGlass()} disabled={read.busy || glass.busy}>
            Break the glass and read
          </button>
        </div>
        {glass.busy ? <Progress label="Recording the emergency access and reading the record…" /> : null}
        <ProblemAlert problem={glass.problem} />
      </details>
      {shown === undefined ? null : <Content shown={shown} />}
    </li>
  );
}
