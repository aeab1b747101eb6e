/** The console's pages, which roles each is for, and the page a role starts on. */
import type { Role } from '@medrec/contract';

export const PAGES = {
  patient: { title: 'My records', roles: ['patient'] },
  clinician: { title: 'Patients and records', roles: ['clinician'] },
  compliance: { title: 'Audit and compliance', roles: ['compliance'] },
  research: { title: 'Trend analysis', roles: ['researcher'] },
  admin: { title: 'Organisation', roles: ['admin', 'registrar'] },
} as const satisfies Record<string, { title: string; roles: readonly Role[] }>;

export type PageId = keyof typeof PAGES;

export function isPageId(value: string): value is PageId {
  return Object.hasOwn(PAGES, value);
}

export function mayOpen(page: PageId, role: Role): boolean {
  return (PAGES[page].roles as readonly Role[]).includes(role);
}

export function pagesFor(role: Role): PageId[] {
  return (Object.keys(PAGES) as PageId[]).filter((page) => mayOpen(page, role));
}

/** '#/compliance' -> 'compliance'; anything else -> the role's first page. */
export function pageFromHash(hash: string, role: Role): PageId | 'unknown' {
  const name = hash.replace(/^#\/?/, '');
  if (name === '') return pagesFor(role)[0] ?? 'unknown';
  return isPageId(name) ? name : 'unknown';
}
