import { chromium } from '@playwright/test';
const [base, login, password, runs = '8'] = process.argv.slice(2);
const probe = () => {
  window.__bench = { hydrated: null, lcp: null };
  new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__bench.lcp = e.startTime; })
    .observe({ type: 'largest-contentful-paint', buffered: true });
  new MutationObserver((_, o) => { if (document.body?.hasAttribute('data-hydrated')) { window.__bench.hydrated = performance.now(); o.disconnect(); } })
    .observe(document, { attributes: true, subtree: true, attributeFilter: ['data-hydrated'] });
};
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
const context = await browser.newContext();
const page = await context.newPage();
await page.goto(`${base}/login`);
await page.getByLabel('Login').fill(login);
await page.getByLabel('Password').fill(password);
await page.getByRole('button', { name: 'Log in' }).click();
await page.getByRole('button', { name: 'Log out' }).waitFor();
await page.close();
for (let i = 0; i < Number(runs); i++) {
  const tab = await context.newPage();
  await tab.addInitScript(probe);
  if (process.env.SHIM) await tab.addInitScript(() => { window.requestIdleCallback = (cb) => setTimeout(cb, 0); });
  await tab.goto(`${base}/settings/sub-accounts`);
  await tab.waitForSelector('body[data-hydrated]');
  await tab.waitForTimeout(200);
  const t = await tab.evaluate(() => {
    const n = performance.getEntriesByType('navigation')[0];
    const paints = Object.fromEntries(performance.getEntriesByType('paint').map((p) => [p.name, Math.round(p.startTime)]));
    const res = performance.getEntriesByType('resource').map((r) => `${new URL(r.name).pathname}:${Math.round(r.startTime)}-${Math.round(r.responseEnd)}`);
    return { fetch: Math.round(n.fetchStart), reqStart: Math.round(n.requestStart), respStart: Math.round(n.responseStart), respEnd: Math.round(n.responseEnd),
      domInteractive: Math.round(n.domInteractive), dcl: Math.round(n.domContentLoadedEventEnd), load: Math.round(n.loadEventEnd),
      ...paints, lcp: Math.round(window.__bench.lcp), hydrated: Math.round(window.__bench.hydrated), res };
  });
  console.log(JSON.stringify(t));
  await tab.close();
}
await browser.close();
