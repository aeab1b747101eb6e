/**
 * Where the signed-in token lives: this tab's sessionStorage, never localStorage, so it is gone when the tab closes
 * and is not shared with other tabs. An organisation that puts its identity provider in front issues the token
 * instead (README, "Web console").
 */
const KEY = 'medrec.console.token';

export function loadToken(): string | undefined {
  try {
    const token = sessionStorage.getItem(KEY);
    return token === null || token === '' ? undefined : token;
  } catch {
    return undefined; // storage disabled: the user signs in again after a reload
  }
}

export function saveToken(token: string): void {
  try {
    sessionStorage.setItem(KEY, token);
  } catch {
    // storage disabled: the token stays in memory only
  }
}

export function clearToken(): void {
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // nothing stored
  }
}
