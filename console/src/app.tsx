/** The console's shell: sign-in, then the pages the signed-in role may open, chosen by the URL's hash. */
import { Suspense, lazy, useEffect, useMemo, useState } from 'react';
import { createApiClient } from './api/api-client';
import type { Me } from './api/types';
import { ProblemAlert } from './components/problem-alert';
import { Progress } from './components/progress';
import { useAction } from './components/use-action';
import { PAGES, mayOpen, pageFromHash, pagesFor, type PageId } from './logic/pages';
import { ROLE_WORDS, organisationName } from './logic/wording';
import { AdminPage } from './pages/admin-page';
import { ClinicianPage } from './pages/clinician-page';
import { CompliancePage } from './pages/compliance-page';
import { PatientPage } from './pages/patient-page';
import { SignInPage } from './pages/sign-in-page';
import { SessionContext, type Session } from './session/session-context';
import { clearToken, loadToken, saveToken } from './session/session-token';

// The researcher's page carries the charting library and the contract's runtime: loaded only by those who open it.
const ResearchPage = lazy(() => import('./pages/research-page').then((m) => ({ default: m.ResearchPage })));

function useHash(): string {
  const [hash, setHash] = useState(window.location.hash);
  useEffect(() => {
    const changed = (): void => {
      setHash(window.location.hash);
    };
    window.addEventListener('hashchange', changed);
    return () => {
      window.removeEventListener('hashchange', changed);
    };
  }, []);
  return hash;
}

function PageBody({ page }: { readonly page: PageId }): React.JSX.Element {
  switch (page) {
    case 'patient':
      return <PatientPage />;
    case 'clinician':
      return <ClinicianPage />;
    case 'compliance':
      return <CompliancePage />;
    case 'research':
      return (
        <Suspense fallback={<Progress label="Loading the trend analysis page…" />}>
          <ResearchPage />
        </Suspense>
      );
    case 'admin':
      return <AdminPage />;
  }
}

function SignedIn({
  session,
  onSignOut,
}: {
  readonly session: Session;
  readonly onSignOut: () => void;
}): React.JSX.Element {
  const hash = useHash();
  const { me } = session;
  const page = pageFromHash(hash, me.role);
  const allowed = page !== 'unknown' && mayOpen(page, me.role);
  useEffect(() => {
    document.title = `${page === 'unknown' ? 'Not found' : PAGES[page].title} · MedRec console`;
  }, [page]);
  return (
    <SessionContext.Provider value={session}>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <p className="brand">MedRec</p>
        <nav aria-label="Pages">
          <ul>
            {pagesFor(me.role).map((id) => (
              <li key={id}>
                <a href={`#/${id}`} aria-current={id === page ? 'page' : undefined}>
                  {PAGES[id].title}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <p className="who">
          {ROLE_WORDS[me.role]} <span className="mono">{me.participantId}</span> at {organisationName(me.mspId)}
        </p>
        <button type="button" className="secondary" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        {allowed ? (
          <PageBody page={page} />
        ) : (
          <section aria-labelledby="refused">
            <h1 id="refused">{page === 'unknown' ? 'No such page' : `${PAGES[page].title}: not for your role`}</h1>
            <p role="alert" className="problem">
              {page === 'unknown'
                ? 'This page does not exist.'
                : `This page is for ${PAGES[page].roles.map((r) => `${ROLE_WORDS[r]}s`).join(' or ')}; you are signed in as ${ROLE_WORDS[me.role]}. The API refuses its operations to your token as well.`}
            </p>
            <p>
              <a href={`#/${pagesFor(me.role)[0] ?? ''}`}>Go to your page</a>
            </p>
          </section>
        )}
      </main>
    </SessionContext.Provider>
  );
}

export function App(): React.JSX.Element {
  const [token, setToken] = useState<string | undefined>(loadToken);
  const [me, setMe] = useState<Me | undefined>(undefined);
  const restore = useAction();
  const { run } = restore;
  const api = useMemo(() => (token === undefined ? undefined : createApiClient(token)), [token]);

  // After a reload the token is still in this tab's sessionStorage: ask the API who it is again; a token it no
  // longer accepts is forgotten, and the sign-in page shows why.
  useEffect(() => {
    if (api === undefined || me !== undefined) return;
    void run(() => api.get<Me>('/v1/me')).then((found) => {
      if (found !== undefined) {
        setMe(found);
        return;
      }
      clearToken();
      setToken(undefined);
    });
  }, [api, me, run]);

  function signOut(): void {
    clearToken();
    setToken(undefined);
    setMe(undefined);
    window.location.hash = '';
  }

  if (api === undefined) {
    return (
      <>
        <ProblemAlert problem={restore.problem} />
        <SignInPage
          onSignedIn={(signedInToken, signedInMe) => {
            saveToken(signedInToken);
            restore.clear();
            setToken(signedInToken);
            setMe(signedInMe);
          }}
        />
      </>
    );
  }
  if (me === undefined) return <Progress label="Restoring your session…" />;
  return <SignedIn session={{ api, me }} onSignOut={signOut} />;
}
