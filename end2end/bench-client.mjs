// Browser half of the benchmark (benches/portal.rs): logs in, then loads the
// Sub Accounts page `runs` times in headless Chromium and prints JSON with the
// time from navigation start to hydrated, the Largest Contentful Paint and
// the wasm files a first visit downloads (main module and lazy chunks).
// Usage: node end2end/bench-client.mjs <base-url> <login> <password> <runs>
import { chromium } from '@playwright/test';

const [base, login, password, runs = '5'] = process.argv.slice(2);

// Recorded in the page before any of its own scripts run.
const probe = () => {
  window.__bench = { hydrated: null, lcp: null };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.__bench.lcp = entry.startTime;
  }).observe({ type: 'largest-contentful-paint', buffered: true });
  new MutationObserver((_, observer) => {
    if (document.body?.hasAttribute('data-hydrated')) {
      window.__bench.hydrated = performance.now();
      observer.disconnect();
    }
  }).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-hydrated'] });
};

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
};

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${base}/login`);
  await page.waitForSelector('body[data-hydrated]');
  await page.getByLabel('Login').fill(login);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('button', { name: 'Log out' }).waitFor();
  await page.close();

  // A first visit with an empty cache: which wasm files does it fetch?
  const cold = await browser.newContext({ storageState: await context.storageState() });
  const first = await cold.newPage();
  await first.goto(`${base}/settings/sub-accounts`);
  await first.waitForSelector('body[data-hydrated]');
  const wasm_files = await first.evaluate(() => performance.getEntriesByType('resource')
    .map((entry) => new URL(entry.name).pathname)
    .filter((path) => path.endsWith('.wasm')));
  await cold.close();

  const samples = [];
  for (let i = 0; i < Number(runs); i++) {
    const tab = await context.newPage();
    await tab.addInitScript(probe);
    await tab.goto(`${base}/settings/sub-accounts`);
    await tab.waitForSelector('body[data-hydrated]');
    // LCP is final once the page is idle and hydrated.
    await tab.waitForTimeout(200);
    samples.push(await tab.evaluate(() => window.__bench));
    await tab.close();
  }
  const hydrated = samples.map((s) => s.hydrated);
  const lcp = samples.map((s) => s.lcp).filter((v) => v !== null);
  process.stdout.write(JSON.stringify({
    page: '/settings/sub-accounts',
    runs: samples.length,
    hydrated_ms_p50: Math.round(median(hydrated)),
    lcp_ms_p50: lcp.length ? Math.round(median(lcp)) : null,
    wasm_files,
    samples,
  }));
} finally {
  await browser.close();
}
