/**
 * One Chromium per describe block: launched before its tests and closed after them, with every page opened through
 * it. Call it inside describe(); `open` gives a fresh browser context (its own sessionStorage) on an organisation's
 * console, signed in when a token is given.
 */
import type { Browser } from 'playwright-core';
import type { PeerOrgKey } from '../../../network/src/topology';
import { launchChromium } from './chromium';
import { openConsole, signIn, type ConsolePage } from './console-page';

export interface ConsoleSessions {
  open(org: PeerOrgKey, token?: string): Promise<ConsolePage>;
}

export function consoleSessions(): ConsoleSessions {
  let browser: Browser | undefined;
  const pages: ConsolePage[] = [];
  before(async () => {
    browser = await launchChromium();
  });
  after(async () => {
    for (const page of pages) await page.close();
    await browser?.close();
  });
  return {
    async open(org, token) {
      if (browser === undefined) throw new Error('Chromium did not start: see the failed "before all" hook');
      const cp = await openConsole(browser, org);
      pages.push(cp);
      if (token !== undefined) await signIn(cp, token);
      return cp;
    },
  };
}
