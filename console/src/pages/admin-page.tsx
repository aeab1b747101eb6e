/** The operator's page: the consortium at a glance, registering participants, and their tokens. */
import { ConsortiumSection } from './admin/consortium-section';
import { ParticipantSection } from './admin/participant-section';
import { RegisterSection } from './admin/register-section';

export function AdminPage(): React.JSX.Element {
  return (
    <>
      <h1>Organisation</h1>
      <ConsortiumSection />
      <RegisterSection />
      <ParticipantSection />
    </>
  );
}
