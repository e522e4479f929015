import { expect, test } from '@playwright/test';
import {
  createManager, createOwner, createSubAccount, fillSubAccountForm, logIn, newPage, open,
  rowAction, subAccountFields,
} from './support';

const ALL_LABELS = [
  'Can Send Bulk', 'Can Use Database', 'Can Sender View', 'Can Use Analytics', 'Can Use Analytics Details',
  'Can See Analytics Details', 'Can Use Analytics Details Export', 'Can See Incoming Sms',
  'Can See Incoming Sms Export', 'Can See Blocked Sms', 'Can See Blocked Sms Export', 'Can See Prices',
  'Can Top Up', 'Can See Finance', 'Can Profile Edit',
];

test('the seed story: manager switches the option on, owner creates a sub-account and grants access, sub-user sees exactly that @nojs', async ({ page, browser }) => {
  const owner = createOwner({ canAddSubaccount: false });

  // The manager switches "Can Add Subaccount" on for the owner's account.
  const manager = await newPage(browser);
  await logIn(manager, createManager());
  await manager.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Accounts', exact: true }).click();
  const row = manager.getByRole('row').filter({ hasText: owner.login });
  await expect(row.getByRole('cell').nth(2)).toHaveText('0');
  await row.getByLabel('Can Add Subaccount').check();
  await row.getByRole('button', { name: 'Save' }).click();
  await expect(manager.getByRole('status')).toHaveText('Saved');
  await expect(manager.getByRole('row').filter({ hasText: owner.login }).getByLabel('Can Add Subaccount')).toBeChecked();

  // The owner now finds Setting → Sub Accounts and creates a sub-account.
  await logIn(page, owner);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sub Accounts' }).click();
  await expect(page.getByRole('heading', { name: 'Sub Accounts' })).toBeVisible();
  await page.getByRole('link', { name: 'Create', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Create Sub Account' })).toBeVisible();
  const sub = subAccountFields('story');
  await fillSubAccountForm(page, { ...sub, company: 'Kowalska & Co' });
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('heading', { name: 'Sub Accounts' })).toBeVisible();
  const table = page.getByRole('table');
  for (const header of ['Login', 'Name', 'Phone', 'Email', 'Company name']) {
    await expect(table.getByRole('columnheader', { name: header, exact: true })).toBeVisible();
  }
  const subRow = table.getByRole('row').filter({ hasText: sub.login });
  await expect(subRow).toContainText('Kowalska & Co');
  await expect(subRow).toContainText('+48600100200');

  // + → Manage access → tick two permissions → Save.
  await rowAction(page, sub.login, 'Manage access');
  await expect(page.getByRole('heading', { name: 'Access of Sub Account' })).toBeVisible();
  await expect(page.getByText(sub.login)).toBeVisible();
  for (const category of ['Sending', 'Analytics', 'Incoming SMS', 'Blocked SMS', 'Prices', 'Finance', 'Profile']) {
    await expect(page.getByRole('group', { name: category })).toBeVisible();
  }
  await expect(page.getByRole('checkbox')).toHaveCount(15);
  for (const label of ALL_LABELS) await expect(page.getByLabel(label, { exact: true })).toBeVisible();
  await expect(page.getByRole('checkbox', { checked: true })).toHaveCount(0);
  await page.getByRole('group', { name: 'Sending' }).getByLabel('Can Send Bulk').check();
  await page.getByRole('group', { name: 'Prices' }).getByLabel('Can See Prices').check();
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status')).toHaveText('Saved');
  await open(page, page.url());
  await expect(page.getByLabel('Can Send Bulk')).toBeChecked();
  await expect(page.getByLabel('Can See Prices')).toBeChecked();
  await expect(page.getByRole('checkbox', { checked: true })).toHaveCount(2);

  // The sub-user logs in on the same page and sees exactly what was granted.
  const subPage = await newPage(browser);
  await logIn(subPage, sub);
  const granted = subPage.getByRole('region', { name: 'Your access' });
  for (const label of ALL_LABELS) {
    const shown = label === 'Can Send Bulk' || label === 'Can See Prices';
    await expect(granted.getByText(label, { exact: true })).toHaveCount(shown ? 1 : 0);
  }
  await expect(subPage.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sub Accounts' })).toHaveCount(0);
  const denied = await subPage.goto('/settings/sub-accounts');
  expect(denied?.status()).toBe(403);
  await expect(subPage.getByRole('heading', { name: 'Access denied' })).toBeVisible();
});

test('a rejected form shows each error next to its field, keeps the input and writes nothing @nojs', async ({ page }) => {
  const owner = createOwner({ canAddSubaccount: true });
  await logIn(page, owner);
  await open(page, '/settings/sub-accounts/new');
  await fillSubAccountForm(page, { login: 'ab', password: 'short', name: 'Anna', phone: '12 34', email: 'anna@example' });
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('alert')).toHaveText('Please correct the highlighted fields.');
  await expect(page.getByLabel('Login')).toHaveAccessibleDescription(/at least 3 characters/);
  await expect(page.getByLabel('Password', { exact: true })).toHaveAccessibleDescription(/at least 12 characters/);
  await expect(page.getByLabel('Phone')).toHaveAccessibleDescription(/Start with \+ and the country code/);
  await expect(page.getByLabel('Email')).toHaveAccessibleDescription(/name@example\.com/);
  await expect(page.getByLabel('Login')).toHaveValue('ab');
  await expect(page.getByLabel('Phone')).toHaveValue('12 34');
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue('Anna');
  await expect(page.getByLabel('Password', { exact: true })).toHaveValue('');
  await open(page, '/settings/sub-accounts');
  await expect(page.getByText('No sub-accounts yet')).toBeVisible();
});

test('a login taken in another letter case is a field error, not a crash @nojs', async ({ page }) => {
  const owner = createOwner({ canAddSubaccount: true });
  await logIn(page, owner);
  await open(page, '/settings/sub-accounts/new');
  await fillSubAccountForm(page, { ...subAccountFields(), login: owner.login.toUpperCase() });
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByLabel('Login')).toHaveAccessibleDescription(/already taken/);
  await expect(page.getByLabel('Login')).toHaveValue(owner.login.toUpperCase());
});

test('ticking a permission ticks what it requires; unticking unticks its dependents', async ({ page }) => {
  const owner = createOwner({ canAddSubaccount: true });
  await logIn(page, owner);
  const sub = await createSubAccount(page);
  await rowAction(page, sub.login, 'Manage access');
  const analytics = page.getByRole('group', { name: 'Analytics' });
  await analytics.getByLabel('Can See Analytics Details').check();
  await expect(analytics.getByLabel('Can Use Analytics Details', { exact: true })).toBeChecked();
  await expect(analytics.getByLabel('Can Use Analytics', { exact: true })).toBeChecked();
  await expect(page.getByText(/Also ticked .*Can Use Analytics/)).toBeVisible();
  await analytics.getByLabel('Can Use Analytics Details Export').check();
  await analytics.getByLabel('Can Use Analytics', { exact: true }).uncheck();
  await expect(analytics.getByRole('checkbox', { checked: true })).toHaveCount(0);
  await expect(page.getByText(/Also unticked .*they require “Can Use Analytics”/)).toBeVisible();
  await page.getByRole('group', { name: 'Incoming SMS' }).getByLabel('Can See Incoming Sms Export').check();
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status')).toHaveText('Saved');
  await open(page, page.url());
  await expect(page.getByLabel('Can See Incoming Sms', { exact: true })).toBeChecked();
  await expect(page.getByRole('checkbox', { checked: true })).toHaveCount(2);
});

// Only without wasm can the browser post an inconsistent set: the hydrated page keeps it consistent.
test('the server refuses an inconsistent set of permissions instead of widening it @nojs-only', async ({ page }) => {
  const owner = createOwner({ canAddSubaccount: true });
  await logIn(page, owner);
  const sub = await createSubAccount(page);
  await rowAction(page, sub.login, 'Manage access');
  await page.getByLabel('Can See Blocked Sms Export').check();
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('alert')).toContainText('“Can See Blocked Sms Export” requires “Can See Blocked Sms”');
  await expect(page.getByRole('status')).toHaveCount(0);
  await open(page, page.url().split('?')[0]);
  await expect(page.getByRole('checkbox', { checked: true })).toHaveCount(0);
});

test('disabling a sub-account ends the sub-user’s session at once @nojs', async ({ page, browser }) => {
  const owner = createOwner({ canAddSubaccount: true });
  await logIn(page, owner);
  const sub = await createSubAccount(page);
  const subPage = await newPage(browser);
  await logIn(subPage, sub);

  await rowAction(page, sub.login, 'Disable');
  await expect(page.getByRole('row').filter({ hasText: sub.login })).toContainText('Disabled');

  await open(subPage, '/');
  await expect(subPage).toHaveURL(/\/login/);
  await subPage.getByLabel('Login').fill(sub.login);
  await subPage.getByLabel('Password').fill(sub.password);
  await subPage.getByRole('button', { name: 'Log in' }).click();
  await expect(subPage.getByRole('alert')).toHaveText('Invalid login or password');

  await rowAction(page, sub.login, 'Enable');
  await expect(page.getByRole('row').filter({ hasText: sub.login })).toContainText('Active');
  await logIn(subPage, sub);
});

test('an owner edits, resets the password of, and deletes a sub-account after confirming @nojs', async ({ page, browser }) => {
  const owner = createOwner({ canAddSubaccount: true });
  await logIn(page, owner);
  const sub = await createSubAccount(page);

  await rowAction(page, sub.login, 'Edit');
  await expect(page.getByRole('heading', { name: 'Edit Sub Account' })).toBeVisible();
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue(sub.name);
  await page.getByLabel('Name', { exact: true }).fill('Anna Nowak');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('row').filter({ hasText: sub.login })).toContainText('Anna Nowak');

  await rowAction(page, sub.login, 'Reset password');
  await page.getByLabel('New password').fill('a brand new passphrase');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('heading', { name: 'Sub Accounts' })).toBeVisible();
  const subPage = await newPage(browser);
  await logIn(subPage, { login: sub.login, password: 'a brand new passphrase' });

  await rowAction(page, sub.login, 'Delete');
  await expect(page.getByRole('alertdialog')).toContainText(`Delete ${sub.login}?`);
  await page.getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByRole('heading', { name: 'Sub Accounts' })).toBeVisible();
  await expect(page.getByRole('cell', { name: sub.login, exact: true })).toHaveCount(0);
  await open(subPage, '/');
  await expect(subPage).toHaveURL(/\/login/);
});

test('without the option, the owner sees no Sub Accounts and the page is refused', async ({ page }) => {
  const owner = createOwner({ canAddSubaccount: false });
  await logIn(page, owner);
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sub Accounts' })).toHaveCount(0);
  await expect(page.getByText('ask your manager to turn on')).toBeVisible();
  const response = await page.goto('/settings/sub-accounts');
  expect(response?.status()).toBe(403);
  await expect(page.getByRole('heading', { name: 'Access denied' })).toBeVisible();
});

test('another account’s sub-account id is not found', async ({ page, browser }) => {
  const other = createOwner({ canAddSubaccount: true });
  const otherPage = await newPage(browser);
  await logIn(otherPage, other);
  await createSubAccount(otherPage);
  const id = new URL(await otherPage.getByRole('link', { name: 'Manage access', includeHidden: true }).first().getAttribute('href') ?? '', 'http://x').pathname.split('/')[3];

  await logIn(page, createOwner({ canAddSubaccount: true }));
  const response = await page.goto(`/settings/sub-accounts/${id}/access`);
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Sub-account not found' })).toBeVisible();
});

test('every user can change their own password @nojs', async ({ page }) => {
  const owner = createOwner({ canAddSubaccount: false });
  await logIn(page, owner);
  await page.getByRole('link', { name: 'Change password' }).click();
  await page.getByLabel('Current password').fill(owner.password);
  await page.getByLabel('New password', { exact: true }).fill('my new passphrase');
  await page.getByLabel('Confirm new password').fill('my new passphrase');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status')).toContainText('Password changed');
  await page.getByRole('button', { name: 'Log out' }).click();
  await logIn(page, { login: owner.login, password: 'my new passphrase' });
});

test('the owner signs a sub-user out everywhere, and the audit log shows who did what @nojs', async ({ page, browser }) => {
  const owner = createOwner({ canAddSubaccount: true });
  await logIn(page, owner);
  const sub = await createSubAccount(page);
  const subPage = await newPage(browser);
  await logIn(subPage, sub);

  await rowAction(page, sub.login, 'Sign out everywhere');
  await expect(page.getByRole('status')).toContainText(`${sub.login} signed out everywhere`);
  await open(subPage, '/');
  await expect(subPage).toHaveURL(/\/login/);

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' }).click();
  await expect(page.getByRole('heading', { name: 'Audit log' })).toBeVisible();
  const entries = page.getByRole('table');
  await expect(entries.getByRole('row').filter({ hasText: 'sub account signed out' }).filter({ hasText: sub.login })).toHaveCount(1);
  await expect(entries.getByRole('row').filter({ hasText: 'sub account created' }).filter({ hasText: owner.login })).toHaveCount(1);
  const logins = entries.getByRole('row').filter({ has: page.getByRole('cell', { name: 'login', exact: true }) });
  await expect(logins.filter({ hasText: sub.login })).not.toHaveCount(0);
});

test('the team list fits a 1280-pixel screen beside the menu, long addresses included', async ({ page }) => {
  const owner = createOwner({ canAddSubaccount: true });
  await page.setViewportSize({ width: 1280, height: 800 });
  await logIn(page, owner);
  const fields = subAccountFields('wide');
  const sub = await createSubAccount(page, {
    ...fields,
    email: `${fields.login}.with.a.long.address@marketing-department.example.com`,
    company: 'Northwind Retail and Wholesale International',
  });

  const card = await page.locator('.table-card').boundingBox();
  const actions = await page.getByRole('button', { name: `Actions for ${sub.login}` }).boundingBox();
  expect(card && actions).toBeTruthy();
  expect(actions!.x + actions!.width).toBeLessThanOrEqual(card!.x + card!.width);
  await expect(page.getByRole('columnheader', { name: 'Last login' })).toBeInViewport();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
});
