import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { createHmac, randomInt } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cli, createOwner, createSubAccount, logIn, newPage, open, rowAction, topUp } from './support';

test('the owner makes an API key, sees it once, calls the API with it and revokes it @nojs', async ({ page, request }) => {
  const owner = createOwner({ canAddSubaccount: false });
  await logIn(page, owner);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API keys' }).click();
  await expect(page.getByRole('heading', { name: 'API keys', level: 1 })).toBeVisible();

  await page.getByLabel('Name').fill('Shop backend');
  await page.getByRole('button', { name: 'Create key' }).click();
  const field = page.getByLabel('New API key');
  await expect(field).toHaveValue(/^smsp_[A-Za-z0-9]{12}_[A-Za-z0-9]{44}$/);
  const key = await field.inputValue();
  await expect(page.getByRole('cell', { name: 'Shop backend' })).toBeVisible();
  await expect(page.getByLabel('Name')).toHaveValue('');

  const account = await request.get('/v1/account', { headers: { Authorization: `Bearer ${key}` } });
  expect(account.status()).toBe(200);
  expect((await account.json()).currency).toBe('EUR');

  // Shown once: a reload shows the key's prefix only.
  await open(page, '/settings/api-keys');
  await expect(page.getByLabel('New API key')).toHaveCount(0);
  await expect(page.getByText(key.slice(0, 17) + '_…')).toBeVisible();
  await expect(page.locator('body')).not.toContainText(key.slice(18));

  await page.getByRole('button', { name: 'Actions for Shop backend' }).click();
  await page.getByRole('button', { name: 'Revoke Shop backend' }).click();
  await expect(page.getByRole('status')).toContainText('revoked');
  await expect(page.getByRole('cell', { name: 'Shop backend' })).toHaveCount(0);
  const refused = await request.get('/v1/account', { headers: { Authorization: `Bearer ${key}` } });
  expect(refused.status()).toBe(401);
  expect(refused.headers()['content-type']).toBe('application/problem+json');
});

test('a sub-user with every permission finds no API keys or webhooks, and the server refuses them @nojs', async ({ page, browser, baseURL }) => {
  const owner = createOwner({ canAddSubaccount: true });
  await logIn(page, owner);
  const sub = await createSubAccount(page);
  await rowAction(page, sub.login, 'Manage access');
  const boxes = page.getByRole('checkbox');
  await expect(boxes).toHaveCount(15);
  for (const box of await boxes.all()) await box.check();
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status')).toHaveText('Saved');

  const subPage = await newPage(browser);
  await logIn(subPage, sub);
  const menu = subPage.getByRole('navigation', { name: 'Main' });
  await expect(menu.getByRole('link', { name: 'Top up' })).toBeVisible();
  await expect(menu.getByRole('link', { name: 'API keys' })).toHaveCount(0);
  const denied = await subPage.goto('/settings/api-keys');
  expect(denied?.status()).toBe(403);
  await expect(subPage.getByRole('heading', { name: 'Access denied' })).toBeVisible();

  // The server functions behind the page, called as its forms would call
  // them: the owner's calls pass, so the sub-user's 403 is the permission's.
  const call = (on: typeof page, name: string, form: Record<string, string>) =>
    on.request.post(`/api/${name}`, { form, headers: { Accept: 'application/json', Origin: baseURL! } });
  for (const name of ['api-keys/list', 'webhooks/list']) {
    expect((await call(page, name, {})).status(), `owner: ${name}`).toBe(200);
  }
  const calls: [string, Record<string, string>][] = [
    ['api-keys/list', {}], ['api-keys/create', { name: 'Mine now' }], ['api-keys/revoke', { id: '1' }],
    ['webhooks/list', {}], ['webhooks/redeliver', { id: '1' }],
  ];
  for (const [name, form] of calls) {
    expect((await call(subPage, name, form)).status(), name).toBe(403);
  }
});

test('a key name is checked next to its field and kept @nojs', async ({ page }) => {
  await logIn(page, createOwner({ canAddSubaccount: false }));
  await open(page, '/settings/api-keys');
  await page.getByLabel('Name').fill('x'.repeat(61));
  await page.getByRole('button', { name: 'Create key' }).click();
  await expect(page.getByText('A key name has at most 60 characters.')).toBeVisible();
  await expect(page.getByLabel('Name')).toHaveValue('x'.repeat(61));
  await expect(page.getByLabel('New API key')).toHaveCount(0);
});

test('the page\'s curl examples work as pasted, with a key from the page', async ({ page, baseURL }) => {
  await logIn(page, createOwner({ canAddSubaccount: false }));
  await topUp(page, '10', '€10.00');
  await open(page, '/settings/api-keys');
  await page.getByLabel('Name').fill('Terminal');
  await page.getByRole('button', { name: 'Create key' }).click();
  const key = await page.getByLabel('New API key').inputValue();
  const examples = await page.locator('pre.example').allTextContents();
  expect(examples).toHaveLength(3);
  const script = examples.join('\n')
    .replace('PORTAL=http://127.0.0.1:3000', `PORTAL=${baseURL}`)
    .replace(/^KEY=.*$/m, `KEY=${key}`)
    .replace(/^curl /gm, 'echo; curl -f ');
  const output = execFileSync('bash', ['-e', '-c', script], { encoding: 'utf8' });
  expect(output).toContain('"currency":"EUR"');
  expect(output).toContain('"batch_id":');
  expect(output).toContain('"client_ref":"order-1042"');
});

/** Verifies a Standard Webhooks signature with Node's own HMAC. */
function signedBy(secret: string, headers: IncomingHttpHeaders, body: string): boolean {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const signed = `${headers['webhook-id']}.${headers['webhook-timestamp']}.${body}`;
  const expected = 'v1,' + createHmac('sha256', key).update(signed).digest('base64');
  return String(headers['webhook-signature']).split(' ').includes(expected);
}

test('a webhook delivery that failed is shown with its answer and redelivered from the page @nojs', async ({ page, request }) => {
  // A receiver that answers 503 until it is told to accept.
  const seen: { id: string, body: string, signed: boolean, accepted: boolean }[] = [];
  let accepting = false;
  let secret = '';
  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => {
      seen.push({ id: String(req.headers['webhook-id']), body, signed: signedBy(secret, req.headers, body), accepted: accepting });
      res.writeHead(accepting ? 204 : 503).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const port = (receiver.address() as AddressInfo).port;
  try {
    await logIn(page, createOwner({ canAddSubaccount: false }));
    await topUp(page, '10', '€10.00');
    await open(page, '/settings/api-keys');
    await page.getByLabel('Name').fill('Events');
    await page.getByRole('button', { name: 'Create key' }).click();
    const key = await page.getByLabel('New API key').inputValue();
    const auth = { Authorization: `Bearer ${key}` };
    const made = await request.post('/v1/webhooks', {
      headers: auth,
      data: { url: `http://127.0.0.1:${port}/hook`, events: ['inbound.received'] },
    });
    expect(made.status()).toBe(201);
    secret = (await made.json()).secret;

    // Write to a phone, and it answers.
    const phone = `+447400${randomInt(100000, 999999)}`;
    const sent = await request.post('/v1/messages', { headers: auth, data: { from: 'INFO', to: [phone], text: 'Hello' } });
    expect(sent.status()).toBe(202);
    cli(['carrier', 'inbound', '--to', 'INFO', '--from', phone, '--text', 'Hello back']);
    await expect.poll(() => seen.length, { timeout: 15_000 }).toBe(1);

    await open(page, '/settings/api-keys');
    const webhooks = page.getByRole('region', { name: 'Webhooks' });
    await expect(webhooks.getByRole('heading', { name: `http://127.0.0.1:${port}/hook` })).toBeVisible();
    await expect(webhooks.getByRole('cell', { name: 'inbound.received' })).toBeVisible();
    await expect(webhooks.getByRole('cell', { name: 'answered 503 Service Unavailable' })).toBeVisible();

    accepting = true;
    await webhooks.getByRole('button', { name: 'Redeliver' }).click();
    await expect(page.getByRole('status')).toContainText('queued again');
    // (The automatic retry, 5 s after the first attempt, may come first.)
    await expect.poll(() => seen.filter((attempt) => attempt.accepted).length, { timeout: 15_000 }).toBeGreaterThan(0);
    expect(new Set(seen.map((attempt) => attempt.id)).size).toBe(1);
    expect(seen.every((attempt) => attempt.signed)).toBe(true);
    const event = JSON.parse(seen[seen.length - 1].body);
    expect(event.type).toBe('inbound.received');
    expect(event.data.from).toBe(phone);
    expect(event.data.text).toBe('Hello back');
    await expect.poll(async () => {
      await open(page, '/settings/api-keys');
      return page.getByRole('region', { name: 'Webhooks' }).getByRole('cell', { name: 'Delivered' }).count();
    }, { timeout: 15_000 }).toBe(1);
  } finally {
    receiver.close();
  }
});
