/**
 * The console as a test drives it: one browser context per person (its own sessionStorage), signed in with a token at
 * an organisation's API, with every CSP violation and page error collected, screenshots saved as test artifacts and
 * axe-core run on every page.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { apiUrl } from '../../../network/src/api-process';
import { peerOf, type PeerOrgKey } from '../../../network/src/topology';
import { consortium } from '../../integration/support/shared-network';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
export const ARTIFACTS = path.join(ROOT, 'dist', 'test-artifacts', 'console');
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 900 };

export interface ConsolePage {
  readonly page: Page;
  readonly context: BrowserContext;
  /** Console messages that report a Content-Security-Policy violation, and uncaught page errors. */
  readonly violations: string[];
  close(): Promise<void>;
}

export function consoleUrl(org: PeerOrgKey): string {
  return `${apiUrl(peerOf(consortium().topology, org))}/console/`;
}

export async function openConsole(
  browser: Browser,
  org: PeerOrgKey,
  viewport: { width: number; height: number } = DESKTOP,
): Promise<ConsolePage> {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  const page = await context.newPage();
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content.Security.Policy|Refused to/i.test(message.text())) violations.push(message.text());
  });
  page.on('pageerror', (err) => {
    violations.push(`page error: ${err.message}`);
  });
  const res = await page.goto(consoleUrl(org));
  expect(res?.status(), `GET ${consoleUrl(org)}`).to.equal(200);
  return {
    page,
    context,
    violations,
    close: () => context.close(),
  };
}

export async function signIn(cp: ConsolePage, token: string): Promise<void> {
  await cp.page.getByLabel('API token').fill(token);
  await cp.page.getByRole('button', { name: 'Sign in' }).click();
  await cp.page.getByRole('button', { name: 'Sign out' }).waitFor();
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** One part of a page, for the README's pictures (docs/console/ holds copies of these). */
export async function figure(part: Locator, name: string): Promise<string> {
  const dir = path.join(ARTIFACTS, 'figures');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  await part.screenshot({ path: file });
  return file;
}

interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly nodes: readonly { readonly target: readonly string[] }[];
}

const AXE_RUN = `axe.run(document, {
  runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
}).then((result) => result.violations.map((v) => ({
  id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })),
})))`;

/**
 * axe-core's WCAG 2.1 A and AA rules on the page as it is now; fails on any serious or critical violation. The source
 * is evaluated through the DevTools protocol, which the page's CSP does not govern (an inline script would be refused).
 */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  await page.evaluate(AXE_SOURCE);
  // A string, evaluated in the page: the test's own TypeScript has no DOM types.
  const violations = await page.evaluate<AxeViolation[]>(AXE_RUN);
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    serious.map(
      (v) => `${v.id} (${String(v.impact)}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    ),
    `axe-core on ${what}`,
  ).to.deep.equal([]);
}

/** Screenshot and accessibility check of one page state, as every test does for each page it reaches. */
export async function capture(cp: ConsolePage, name: string): Promise<void> {
  await screenshot(cp.page, name);
  await expectAccessible(cp.page, name);
  expect(cp.violations, `CSP violations or page errors on ${name}`).to.deep.equal([]);
}
