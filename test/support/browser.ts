import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium, driven by playwright-core (`npx playwright install` cannot work offline). */
export const CHROMIUM = '/usr/bin/chromium';

const haveBrowser = existsSync(CHROMIUM);
// CI installs Debian's chromium (.ci/run), so there browser tests must run, never skip.
if (!haveBrowser && process.env.CI) throw new Error(`${CHROMIUM} is missing: .ci/run should have installed it`);

/** `describe` where Chromium is installed; skipped on a developer machine without it. */
export const describeInBrowser = haveBrowser ? describe : describe.skip;

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    // Background networking off: this machine has no internet, and Chromium would retry forever.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
