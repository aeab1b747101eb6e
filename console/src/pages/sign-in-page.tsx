/** Sign-in with an API token: the API's GET /v1/me says who the token belongs to and in which role. */
import { useState } from 'react';
import { createApiClient } from '../api/api-client';
import type { Me } from '../api/types';
import { ProblemAlert } from '../components/problem-alert';
import { Progress } from '../components/progress';
import { useAction } from '../components/use-action';

export function SignInPage({
  onSignedIn,
}: {
  readonly onSignedIn: (token: string, me: Me) => void;
}): React.JSX.Element {
  const [token, setToken] = useState('');
  const action = useAction();

  async function signIn(event: React.SyntheticEvent): Promise<void> {
    event.preventDefault();
    const trimmed = token.trim();
    const me = await action.run(() => createApiClient(trimmed).get<Me>('/v1/me'));
    if (me !== undefined) onSignedIn(trimmed, me);
  }

  return (
    <main id="main" className="sign-in">
      <h1>MedRec console</h1>
      <p>
        Sign in with the API token your organisation issued to you. The console keeps it in this browser tab only and
        forgets it when you close the tab or sign out.
      </p>
      <form onSubmit={(e) => void signIn(e)}>
        <label htmlFor="token">API token</label>
        <input
          id="token"
          name="token"
          type="password"
          autoComplete="off"
          spellCheck={false}
          required
          value={token}
          onChange={(e) => {
            setToken(e.target.value);
          }}
        />
        <button type="submit" disabled={action.busy || token.trim() === ''}>
          Sign in
        </button>
      </form>
      {action.busy ? <Progress label="Checking the token with the API…" /> : null}
      <ProblemAlert problem={action.problem} />
    </main>
  );
}
