// Browser half of the benchmark (benches/portal.rs), in headless Chromium:
// - what a first visit (empty cache) of each measured page downloads for the
//   client: the wasm and JS under /pkg/, as sent (gzip by the server);
// - navigation → every island hydrated, and the Largest Contentful Paint, of
//   the Sub Accounts page, `runs` times in fresh tabs of one browser (its
//   cache kept), `runs` times with an empty cache, and `runs` times
//   navigating one tab;
// - a click on a permission checkbox → the next paint, with its dependent
//   boxes ticked and the explanation shown, `runs` times.
// Prints one JSON object.
// Usage: node end2end/bench-client.mjs <base-url> <login> <password> <runs>
import { launchBrowser } from './bench-browser.mjs';

const [base, login, password, runs = '5'] = process.argv.slice(2);

// Recorded in the page before any of its own scripts run.
const probe = () => {
  window.__bench = { hydrated: null, lcp: null, clicks: [], eventTiming: 0 };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.__bench.lcp = entry.startTime;
  }).observe({ type: 'largest-contentful-paint', buffered: true });
  new MutationObserver((_, observer) => {
    if (document.body?.getAttribute('data-hydrated') === 'true') {
      window.__bench.hydrated = performance.now();
      observer.disconnect();
    }
  }).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-hydrated'] });
  // From the click to the paint after it: the frame it requested, then the
  // task after that frame (the paint has happened by then).
  document.addEventListener('click', (event) => {
    const start = event.timeStamp;
    requestAnimationFrame(() => setTimeout(() => window.__bench.clicks.push(performance.now() - start)));
  }, true);
  // The browser's own Event Timing, which reports only interactions of 16 ms or more.
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (entry.interactionId) window.__bench.eventTiming = Math.max(window.__bench.eventTiming, entry.duration);
    }
  }).observe({ type: 'event', buffered: true, durationThreshold: 16 });
};

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
};

const browser = await launchBrowser();

/**
 * Opens `url` in `context` and waits until its islands are hydrated. A page
 * that does not hydrate says why (its errors, what it loaded), and is
 * loaded once more before the measurement gives up.
 */
async function visit(context, url) {
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => { if (message.type() === 'error') problems.push(`console: ${message.text()}`); });
  page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()} ${request.failure()?.errorText}`));
  await page.addInitScript(probe);
  for (let attempt = 1; ; attempt++) {
    await page.goto(url);
    try {
      await page.waitForSelector('body[data-hydrated="true"]', { timeout: 30_000 });
      return page;
    } catch (error) {
      const state = await page.evaluate(() => ({
        readyState: document.readyState,
        islands: document.querySelectorAll('leptos-island').length,
        resources: performance.getEntriesByType('resource').map((r) => `${r.name} ${r.responseStatus} ${Math.round(r.duration)} ms`),
      })).catch((e) => `unreadable: ${e}`);
      console.error(`${url} not hydrated (attempt ${attempt}): ${JSON.stringify(state)}\n${problems.join('\n')}`);
      if (attempt === 2) throw error;
    }
  }
}

try {
  const context = await browser.newContext();
  const page = await visit(context, `${base}/login`);
  await page.getByLabel('Login').fill(login);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('button', { name: 'Log out' }).waitFor();
  await page.goto(`${base}/settings/sub-accounts`);
  const access = await page.locator('a[href$="/access"]').first().getAttribute('href');
  await page.close();

  // First visits, each with an empty cache: the client's bytes as sent.
  const measured = [
    ['Sub Accounts', '/settings/sub-accounts'],
    ['Bulk SMS', '/sending/bulk'],
    ['Access', access],
    ['Analytics', '/analytics'],
  ];
  const pages = [];
  for (const [name, path] of measured) {
    const cold = await browser.newContext({ storageState: await context.storageState() });
    const first = await visit(cold, `${base}${path}`);
    const files = await first.evaluate(() => performance.getEntriesByType('resource')
      .filter((entry) => /\/pkg\/.*\.(js|wasm)$/.test(new URL(entry.name).pathname))
      .map((entry) => ({ path: new URL(entry.name).pathname, bytes: entry.encodedBodySize })));
    pages.push({ name, path, client_bytes: files.reduce((sum, f) => sum + f.bytes, 0), files });
    await cold.close();
  }

  const samples = [];
  for (let i = 0; i < Number(runs); i++) {
    const tab = await visit(context, `${base}/settings/sub-accounts`);
    // LCP is final once the page is idle and hydrated.
    await tab.waitForTimeout(200);
    samples.push(await tab.evaluate(() => {
      // Where the time went: the server's answer, the parse, the first paint.
      const [navigation] = performance.getEntriesByType('navigation');
      const [paint] = performance.getEntriesByName('first-paint');
      return {
        ...window.__bench,
        response_start: navigation.responseStart,
        parsed: navigation.domInteractive,
        first_paint: paint?.startTime ?? null,
      };
    }));
    await tab.close();
  }

  // The same page with an empty cache each time: a browser's first visit,
  // everything downloaded (and the wasm compiled) afresh.
  const cold = [];
  for (let i = 0; i < Number(runs); i++) {
    const empty = await browser.newContext({ storageState: await context.storageState() });
    const tab = await visit(empty, `${base}/settings/sub-accounts`);
    cold.push(await tab.evaluate(() => window.__bench.hydrated));
    await empty.close();
  }

  // The same page reached from another page of the portal in one tab, as a
  // person moving through it does (navigations are full page loads).
  const tab = await visit(context, `${base}/`);
  const sameTab = [];
  for (let i = 0; i < Number(runs); i++) {
    await tab.goto(`${base}/settings/sub-accounts`);
    await tab.waitForSelector('body[data-hydrated="true"]', { timeout: 60_000 });
    sameTab.push(await tab.evaluate(() => window.__bench.hydrated));
  }
  await tab.close();

  // Every click moves dependencies: ticking "Can See Analytics Details"
  // also ticks what it requires, unticking "Can Use Analytics" unticks
  // what requires it; the sentence says which.
  const grid = await visit(context, `${base}${access}`);
  const details = grid.getByLabel('Can See Analytics Details');
  const analytics = grid.getByLabel('Can Use Analytics', { exact: true });
  if (await analytics.isChecked()) await analytics.click();
  await grid.evaluate(() => { window.__bench.clicks = []; });
  for (let i = 0; i < Number(runs); i++) {
    const ticking = i % 2 === 0;
    await (ticking ? details : analytics).click();
    await grid.getByText(ticking ? /^Also ticked/ : /^Also unticked/).waitFor();
    if (await analytics.isChecked() !== ticking) fail('the dependencies were not kept');
    await grid.waitForFunction((n) => window.__bench.clicks.length >= n, i + 1);
  }
  const clicks = await grid.evaluate(() => window.__bench);
  grid.once('dialog', (dialog) => dialog.accept());
  await grid.close({ runBeforeUnload: false });

  const hydrated = samples.map((s) => s.hydrated);
  const lcp = samples.map((s) => s.lcp).filter((v) => v !== null);
  process.stdout.write(JSON.stringify({
    pages,
    page: '/settings/sub-accounts',
    runs: samples.length,
    hydrated_ms_p50: Math.round(median(hydrated)),
    lcp_ms_p50: lcp.length ? Math.round(median(lcp)) : null,
    hydrated_same_tab_ms_p50: Math.round(median(sameTab)),
    hydrated_empty_cache_ms_p50: Math.round(median(cold)),
    permission_click: {
      runs: clicks.clicks.length,
      next_paint_ms_p50: Math.round(median(clicks.clicks) * 10) / 10,
      next_paint_ms_max: Math.round(Math.max(...clicks.clicks) * 10) / 10,
      // 0: no interaction reached Event Timing's 16 ms threshold.
      event_timing_max_ms: clicks.eventTiming,
    },
    samples,
  }));
} finally {
  await browser.close();
}

function fail(why) {
  throw new Error(why);
}
