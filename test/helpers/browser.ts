// A real headless browser for the HTML report tests: Debian's chromium driven by playwright-core (never downloads a
// browser). Outside CI a machine without a browser that starts gives a skip reason; under CI=true it is a failure.
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.EDGEMOE_CHROMIUM ?? '/usr/bin/chromium';
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Starts the browser, or returns why it cannot (outside CI only; under CI=true the error is thrown). */
export async function startBrowser(): Promise<Browser | string> {
  const ci = process.env.CI === 'true';
  if (!existsSync(CHROMIUM)) {
    if (ci) throw new Error(`no browser at ${CHROMIUM} (.ci/run installs Debian's chromium)`);
    return `no browser at ${CHROMIUM} (apt-get install chromium, or set EDGEMOE_CHROMIUM)`;
  }
  try {
    // playwright gives the browser a fresh temporary profile (--user-data-dir) and removes it on close.
    return await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS, timeout: 90_000 });
  } catch (e) {
    if (ci) throw e;
    return `${CHROMIUM} does not start here: ${(e as Error).message.split('\n')[0]}`;
  }
}

/** What the browser saw of a page: console errors, page errors, requests other than the file itself, charts drawn. */
export interface PageCheck {
  errors: string[];
  requests: string[];
  charts: number;
  /** Charts whose SVG has a non-zero rendered size. */
  chartsVisible: number;
  sections: string[];
  missing: string[];
}

/** Opens a local HTML file with the network cut off and reports what rendered. */
export async function checkPage(browser: Browser, file: string): Promise<PageCheck> {
  const ctx = await browser.newContext({ offline: true });
  try {
    const page = await ctx.newPage();
    const url = pathToFileURL(file).href;
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (r) => {
      if (r.url() !== url && !r.url().startsWith('data:')) requests.push(r.url());
    });
    await page.goto(url, { waitUntil: 'load' });
    const info = await page.evaluate(() => {
      const figs = [...document.querySelectorAll('figure.chart > svg')];
      return {
        charts: figs.length,
        chartsVisible: figs.filter((s) => s.getBoundingClientRect().width > 0 && s.getBoundingClientRect().height > 0).length,
        sections: [...document.querySelectorAll('section')].map((s) => s.id),
        missing: [...document.querySelectorAll('p.missing')].map((p) => p.textContent ?? ''),
      };
    });
    return { errors, requests, ...info };
  } finally {
    await ctx.close();
  }
}
