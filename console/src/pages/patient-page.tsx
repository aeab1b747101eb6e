/** The patient's page: records across custodians with their access timelines, consents, relationships, accounting. */
import { useSession } from '../session/session-context';
import { AccountingSection } from './patient/accounting-section';
import { ConsentsSection } from './patient/consents-section';
import { DelegatesSection } from './patient/delegates-section';
import { LiveNotifications } from './patient/live-notifications';
import { RecordsSection } from './patient/records-section';
import { RelationshipsSection } from './patient/relationships-section';
import { ResearchChoiceSection } from './patient/research-choice-section';

export function PatientPage(): React.JSX.Element {
  const { me } = useSession();
  return (
    <>
      <h1>My records</h1>
      <p>
        Your patient id is <span className="mono">{me.participantId}</span>. Give it to a clinician you want to see your
        records, or use it to consent to a particular person.
      </p>
      <LiveNotifications patientId={me.participantId} />
      <RecordsSection patientId={me.participantId} />
      <ConsentsSection patientId={me.participantId} />
      <RelationshipsSection patientId={me.participantId} />
      <DelegatesSection patientId={me.participantId} />
      <ResearchChoiceSection patientId={me.participantId} />
      <AccountingSection patientId={me.participantId} />
    </>
  );
}
