import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { createOwner, logIn, newPage, open, topUp, uniqueLogin, newPassword, type Credentials } from './support';

/** The permission catalogue: key, exact label, and what it requires. */
const CATALOGUE: [string, string, string[]][] = [
  ['send_bulk', 'Can Send Bulk', []],
  ['use_database', 'Can Use Database', []],
  ['sender_view', 'Can Sender View', []],
  ['use_analytics', 'Can Use Analytics', []],
  ['use_analytics_details', 'Can Use Analytics Details', ['use_analytics']],
  ['see_analytics_details', 'Can See Analytics Details', ['use_analytics_details', 'use_analytics']],
  ['analytics_details_export', 'Can Use Analytics Details Export', ['use_analytics_details', 'use_analytics']],
  ['see_incoming_sms', 'Can See Incoming Sms', []],
  ['incoming_sms_export', 'Can See Incoming Sms Export', ['see_incoming_sms']],
  ['see_blocked_sms', 'Can See Blocked Sms', []],
  ['blocked_sms_export', 'Can See Blocked Sms Export', ['see_blocked_sms']],
  ['see_prices', 'Can See Prices', []],
  ['top_up', 'Can Top Up', []],
  ['see_finance', 'Can See Finance', []],
  ['profile_edit', 'Can Profile Edit', []],
];

/** Menu items: link name, route, the permission that shows it. */
const SECTIONS: [string, string, string][] = [
  ['Bulk SMS', '/sending/bulk', 'send_bulk'],
  ['Database', '/sending/database', 'use_database'],
  ['Sender names', '/sending/senders', 'sender_view'],
  ['Summary', '/analytics', 'use_analytics'],
  ['Details', '/analytics/details', 'use_analytics_details'],
  ['Incoming SMS', '/incoming', 'see_incoming_sms'],
  ['Blocked SMS', '/blocked', 'see_blocked_sms'],
  ['Prices', '/prices', 'see_prices'],
  ['History', '/finance', 'see_finance'],
  ['Top up', '/finance/top-up', 'top_up'],
  ['Profile', '/profile', 'profile_edit'],
];

/** Export buttons: the page and the permission that shows its button. */
const EXPORTS: [string, string][] = [
  ['/analytics/details', 'analytics_details_export'],
  ['/incoming', 'incoming_sms_export'],
  ['/blocked', 'blocked_sms_export'],
];

/** Creates a sub-account with `grants` through the server functions, as the owner. */
async function subUserWith(request: APIRequestContext, owner: Credentials, grants: string[]): Promise<Credentials> {
  const creds = { login: uniqueLogin('perm'), password: newPassword() };
  expect((await request.post('/api/session/login', { form: { login: owner.login, password: owner.password } })).ok()).toBe(true);
  const created = await request.post('/api/sub-accounts/create', {
    form: { login: creds.login, password: creds.password, name: 'Pat Permission', phone: '+44 7430 900555', email: 'pat@example.com', company: '' },
  });
  expect(created.ok()).toBe(true);
  const list = await (await request.post('/api/sub-accounts/list')).json();
  const id = list.items.find((s: { login: string }) => s.login === creds.login).id;
  const body = new URLSearchParams({ id: String(id) });
  for (const key of grants) body.append('permissions[]', key);
  const saved = await request.post('/api/sub-accounts/access/save', {
    data: body.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  expect(saved.ok()).toBe(true);
  return creds;
}

for (const [key, label, requires] of CATALOGUE) {
  test(`a sub-user holding only “${label}” sees exactly its sections`, async ({ browser, request }) => {
    const owner = createOwner({ canAddSubaccount: true });
    const grants = [key, ...requires];
    const sub = await subUserWith(request, owner, grants);
    const page = await newPage(browser);
    await logIn(page, sub);

    const menu = page.getByRole('navigation', { name: 'Main' });
    for (const [name, route, needs] of SECTIONS) {
      const link = menu.getByRole('link', { name, exact: true });
      if (grants.includes(needs)) {
        await expect(link, `${name} is granted`).toBeVisible();
      } else {
        await expect(link, `${name} is not granted`).toHaveCount(0);
        const response = await page.goto(route);
        expect(response?.status(), `${route} answers 403`).toBe(403);
        await expect(page.getByRole('heading', { name: 'Access denied' })).toBeVisible();
      }
    }
    await expect(menu.getByRole('link', { name: 'Sub Accounts' })).toHaveCount(0);
    for (const [route, exportKey] of EXPORTS) {
      const view = SECTIONS.find(([, r]) => r === route)![2];
      if (!grants.includes(view)) continue;
      await open(page, route);
      const button = page.getByRole('link', { name: 'Export' });
      await expect(button).toHaveCount(grants.includes(exportKey) ? 1 : 0);
    }
  });
}

async function firstCell(page: Page, column: string): Promise<void> {
  await expect(page.getByRole('columnheader', { name: column })).toBeVisible();
}

test('the owner tops up, sends a campaign to a contact list, watches it reach Delivered and finds it in Analytics @nojs', async ({ page }) => {
  const owner = createOwner({ canAddSubaccount: false });
  await logIn(page, owner);

  await topUp(page, '25', '€25.00');
  await expect(page.getByRole('banner')).toContainText('€25.00');

  await open(page, '/sending/database');
  await page.getByLabel('List name').fill('Launch guests');
  await page.getByRole('button', { name: 'Create list' }).click();
  await expect(page.getByRole('heading', { name: 'Launch guests' })).toBeVisible();
  await page.getByText('Or paste rows').click();
  await page.getByLabel('CSV rows').fill('phone,name\n+44 7430 900101,Olivia Smith\n+44 7430 900102,Noah Jones\nnonsense,Bad Row');
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByText('Imported 2 contact(s)')).toBeVisible();
  await expect(page.getByText('Line 4:')).toBeVisible();

  await open(page, '/sending/bulk');
  await page.getByLabel('Sender name').selectOption('INFO');
  await page.getByLabel('Contact list').selectOption({ label: 'Launch guests (2 contacts)' });
  await page.getByLabel('Message').fill('Doors open at 7pm. See you there!');
  await page.getByRole('button', { name: 'Review' }).click();
  const review = page.getByRole('region', { name: 'Review' });
  await expect(review.getByText('Recipients')).toBeVisible();
  await expect(review.locator('dd').first()).toHaveText('2');
  await page.getByRole('button', { name: 'Send campaign' }).click();
  await expect(page.getByRole('status')).toContainText('is on its way');

  const campaigns = page.getByRole('region', { name: 'Campaigns' });
  await expect(async () => {
    await page.reload();
    await expect(campaigns.getByRole('row').nth(1)).toContainText('delivered', { timeout: 1000 });
    await expect(campaigns.getByRole('row').nth(1)).toContainText('2 ✓ / 0 ✗', { timeout: 1000 });
  }).toPass({ timeout: 20_000 });

  await open(page, '/analytics');
  await expect(page.getByRole('paragraph').filter({ hasText: /^Messages$/ }).locator('..')).toContainText('2');
  await open(page, '/analytics/details');
  await firstCell(page, 'Recipient');
  await expect(page.getByRole('cell', { name: '+447430900101' })).toBeVisible();
  await expect(page.getByRole('cell', { name: 'Doors open at 7pm. See you there!' }).first()).toBeVisible();
});

test('an export downloads a CSV with the expected header only when granted', async ({ browser, request }) => {
  const owner = createOwner({ canAddSubaccount: true });
  const ownerPage = await newPage(browser);
  await logIn(ownerPage, owner);
  await open(ownerPage, '/incoming');
  const [download] = await Promise.all([ownerPage.waitForEvent('download'), ownerPage.getByRole('link', { name: 'Export' }).click()]);
  const path = await download.path();
  const text = (await import('node:fs')).readFileSync(path!, 'utf8');
  expect(text.split('\n')[0]).toBe('"received_utc","from","to","text"');

  const viewer = await subUserWith(request, owner, ['see_incoming_sms']);
  const page = await newPage(browser);
  await logIn(page, viewer);
  await open(page, '/incoming');
  await expect(page.getByRole('heading', { name: 'Incoming SMS' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Export' })).toHaveCount(0);
  const refused = await page.request.get('/export/incoming.csv');
  expect(refused.status()).toBe(403);
});

test('without “Can See Analytics Details” the report masks numbers and hides texts', async ({ browser, request }) => {
  const owner = createOwner({ canAddSubaccount: true });
  const ownerPage = await newPage(browser);
  await logIn(ownerPage, owner);
  await topUp(ownerPage, '10', '€10.00');
  await open(ownerPage, '/sending/bulk');
  await ownerPage.getByLabel('Sender name').selectOption('INFO');
  await ownerPage.getByLabel('Phone numbers').fill('+447430900123');
  await ownerPage.getByLabel('Message').fill('Secret code 1234');
  await ownerPage.getByRole('button', { name: 'Review' }).click();
  await ownerPage.getByRole('button', { name: 'Send campaign' }).click();
  await expect(ownerPage.getByRole('status')).toContainText('is on its way');

  const analyst = await subUserWith(request, owner, ['use_analytics', 'use_analytics_details']);
  const page = await newPage(browser);
  await logIn(page, analyst);
  await open(page, '/analytics/details');
  await expect(page.getByRole('cell', { name: '+44 7*** ***123' })).toBeVisible();
  await expect(page.getByText('Secret code 1234')).toHaveCount(0);
  await expect(page.getByText('+447430900123')).toHaveCount(0);
});
