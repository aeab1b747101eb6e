/** The operator's page: the consortium and its nodes at a glance, registering participants, and their tokens. */
import { useSession } from '../session/session-context';
import { ConsortiumSection } from './admin/consortium-section';
import { NodesSection } from './admin/nodes-section';
import { ParticipantSection } from './admin/participant-section';
import { RegisterSection } from './admin/register-section';

export function AdminPage(): React.JSX.Element {
  const { me } = useSession();
  return (
    <>
      <h1>Organisation</h1>
      <ConsortiumSection />
      {/* Node addresses are the operators' (admins'); a registrar's API answers 403 for them. */}
      {me.role === 'admin' ? <NodesSection /> : null}
      <RegisterSection />
      <ParticipantSection />
    </>
  );
}
