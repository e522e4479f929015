// Compares two running builds of the portal in one headless Chromium: fresh
// tabs of a page are opened on one server, then the other, in turn, so both
// builds meet the same moments of a busy machine. A single run of the client
// benchmark wanders by ±30 ms from one run to the next here; a difference
// between two builds shows only when both are measured side by side.
// Prints, for each server, the p50 of navigation → every island hydrated,
// the LCP, the end of parsing and the wasm's arrival, and the mean hydration.
// Usage: node end2end/bench-paired.mjs <base-a> <base-b> <login> <password>
//          [tabs per side, 40] [page, /settings/sub-accounts]
import { launchBrowser } from './bench-browser.mjs';

const [baseA, baseB, login, password, tabs = '40', path = '/settings/sub-accounts'] = process.argv.slice(2);
if (!password) fail('usage: bench-paired.mjs <base-a> <base-b> <login> <password> [tabs] [page]');

// Recorded in the page before any of its own scripts run.
const probe = () => {
  window.__bench = { hydrated: null, lcp: null };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.__bench.lcp = entry.startTime;
  }).observe({ type: 'largest-contentful-paint', buffered: true });
  new MutationObserver((_, observer) => {
    if (document.body?.getAttribute('data-hydrated') === 'true') {
      window.__bench.hydrated = performance.now();
      observer.disconnect();
    }
  }).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-hydrated'] });
};

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.floor((sorted.length - 1) / 2)]);
};
const mean = (values) => Math.round(values.reduce((sum, v) => sum + v, 0) / values.length);

const browser = await launchBrowser();

/** A logged-in browser context for `base`, its cache warmed with the page. */
async function loggedIn(base) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${base}/login`);
  await page.getByLabel('Login').fill(login);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('button', { name: 'Log out' }).waitFor();
  for (let i = 0; i < 3; i++) {
    await page.goto(`${base}${path}`);
    await page.waitForSelector('body[data-hydrated="true"]');
  }
  await page.close();
  return context;
}

/** One fresh tab of the page: what it recorded. */
async function visit(side) {
  const tab = await side.context.newPage();
  await tab.addInitScript(probe);
  await tab.goto(`${side.base}${path}`);
  await tab.waitForSelector('body[data-hydrated="true"]', { timeout: 30_000 });
  // LCP is final once the page is idle and hydrated.
  await tab.waitForTimeout(200);
  const sample = await tab.evaluate(() => {
    const [navigation] = performance.getEntriesByType('navigation');
    const wasm = performance.getEntriesByType('resource').find((r) => r.name.includes('.wasm'));
    return { ...window.__bench, parsed: navigation.domInteractive, wasm_arrived: wasm?.responseEnd ?? NaN };
  });
  await tab.close();
  return sample;
}

try {
  const sides = [];
  for (const [name, base] of [['A', baseA], ['B', baseB]]) {
    sides.push({ name, base, context: await loggedIn(base), samples: [] });
  }
  for (let i = 0; i < Number(tabs); i++) {
    // Each side goes first in every other round.
    for (const side of i % 2 ? sides : [...sides].reverse()) side.samples.push(await visit(side));
  }
  for (const { name, base, samples } of sides) {
    const of = (key) => samples.map((s) => s[key]);
    console.log(`${name} ${base}: hydrated p50 ${median(of('hydrated'))} ms (mean ${mean(of('hydrated'))}), `
      + `LCP p50 ${median(of('lcp'))} ms, parsed p50 ${median(of('parsed'))} ms, `
      + `wasm arrived p50 ${median(of('wasm_arrived'))} ms, ${samples.length} tabs`);
  }
} finally {
  await browser.close();
}

function fail(why) {
  console.error(why);
  process.exit(2);
}
