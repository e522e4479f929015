import { chromium } from '@playwright/test';
const [url, runs = '8'] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
const context = await browser.newContext();
for (let i = 0; i < Number(runs); i++) {
  const tab = await context.newPage();
  await tab.addInitScript(() => { new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__lcp = e.startTime; }).observe({ type: 'largest-contentful-paint', buffered: true }); });
  await tab.goto(url);
  await tab.waitForTimeout(300);
  console.log(await tab.evaluate(() => { const n = performance.getEntriesByType('navigation')[0]; const fcp = performance.getEntriesByName('first-contentful-paint')[0]; return JSON.stringify({ html: Math.round(n.responseEnd), dcl: Math.round(n.domContentLoadedEventEnd), load: Math.round(n.loadEventEnd), fcp: fcp && Math.round(fcp.startTime), lcp: window.__lcp }); }));
  await tab.close();
}
await browser.close();
