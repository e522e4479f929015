import { chromium } from '@playwright/test';
const [base, login, password, runs = '8'] = process.argv.slice(2);
const probe = () => {
  window.__t = {};
  new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__t.lcp = e.startTime; }).observe({ type: 'largest-contentful-paint', buffered: true });
  new MutationObserver((_, o) => { if (document.body?.hasAttribute('data-hydrated')) { window.__t.hydrated = performance.now(); o.disconnect(); } })
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
  const t0 = Date.now();
  await tab.goto(`${base}/settings/sub-accounts`);
  await tab.waitForSelector('body[data-hydrated]');
  await tab.waitForTimeout(200);
  const r = await tab.evaluate(() => {
    const n = performance.getEntriesByType('navigation')[0];
    const res = performance.getEntriesByType('resource').map((e) => `${new URL(e.name).pathname.split('/').pop()}:${Math.round(e.startTime)}-${Math.round(e.responseEnd)}(${e.transferSize})`);
    return { ttfb: Math.round(n.responseStart), html: Math.round(n.responseEnd), dcl: Math.round(n.domContentLoadedEventEnd), load: Math.round(n.loadEventEnd), lcp: window.__t.lcp, hyd: Math.round(window.__t.hydrated), res: res.join(' ') };
  });
  console.log(JSON.stringify(r), 'wall', Date.now() - t0);
  await tab.close();
}
await browser.close();
