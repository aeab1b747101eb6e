/** The signed-in session every page reads: the API client with the user's token, and who the API says they are. */
import { createContext, useContext } from 'react';
import type { ApiClient } from '../api/api-client';
import type { Me } from '../api/types';

export interface Session {
  readonly api: ApiClient;
  readonly me: Me;
}

export const SessionContext = createContext<Session | undefined>(undefined);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (session === undefined) throw new Error('useSession outside a signed-in session');
  return session;
}
