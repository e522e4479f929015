import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { createOwner, logIn, open, topUp } from './support';

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
