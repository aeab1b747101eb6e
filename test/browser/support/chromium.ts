/**
 * Debian's Chromium driven by playwright-core: no browser download, the system's own build. The suite fails, never
 * skips, when it is missing, saying how to install it.
 */
import fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.MEDREC_CHROMIUM ?? '/usr/bin/chromium';

/** Without the background-networking flags Chromium keeps calling Google's services, refused on a closed network. */
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH}: the browser suite needs it. Install it with ` +
        '"apt-get install -y --no-install-recommends chromium" (as .ci/run does), or set MEDREC_CHROMIUM to its path.',
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ARGS, headless: true });
}
