import { expect, test } from '@playwright/test';
import { createManager, createOwner, logIn, logOut, open } from './support';

test('an owner logs in through the form, sees their name and menu, and logs out @nojs', async ({ page }) => {
  const owner = createOwner({ canAddSubaccount: true });
  await logIn(page, owner);
  await expect(page.getByRole('heading', { name: 'Welcome, Olivia Owner' })).toBeVisible();
  await expect(page.getByText(owner.company).first()).toBeVisible();
  const menu = page.getByRole('navigation', { name: 'Main' });
  await expect(menu.getByRole('link', { name: 'Sub Accounts' })).toBeVisible();
  await expect(menu.getByRole('link', { name: 'Accounts', exact: true })).toHaveCount(0);
  await logOut(page);
  await open(page, '/');
  await expect(page).toHaveURL(/\/login\?next=/);
});

test('a page whose client cannot load says so and still works as plain HTML', async ({ page }) => {
  const owner = createOwner({ canAddSubaccount: true });
  // The client's JavaScript is unreachable, so the loader's import() fails,
  // possibly before the page's body has been parsed.
  await page.route(/\/pkg\/[^/]*\.js(\?|$)/, (route) => route.abort());
  await page.goto('/login');
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'failed');
  await page.getByLabel('Login').fill(owner.login);
  await page.getByLabel('Password').fill(owner.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('heading', { name: 'Welcome, Olivia Owner' })).toBeVisible();
});

test('a failed login shows one generic message, whatever was wrong @nojs', async ({ page }) => {
  const owner = createOwner({ canAddSubaccount: false });
  for (const [login, password] of [[owner.login, 'not-the-password'], ['nobody-at-all', owner.password]]) {
    await open(page, '/login');
    await page.getByLabel('Login').fill(login);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page.getByRole('alert')).toHaveText('Invalid login or password');
    await expect(page.getByRole('button', { name: 'Log out' })).toHaveCount(0);
  }
});

test('an anonymous visitor is sent to the login page and back afterwards @nojs', async ({ page }) => {
  const owner = createOwner({ canAddSubaccount: true });
  await open(page, '/settings/sub-accounts');
  await expect(page).toHaveURL(/\/login\?next=%2Fsettings%2Fsub-accounts|\/login\?next=\/settings\/sub-accounts/);
  await page.getByLabel('Login').fill(owner.login);
  await page.getByLabel('Password').fill(owner.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('heading', { name: 'Sub Accounts' })).toBeVisible();
  await expect(page).toHaveURL(/\/settings\/sub-accounts$/);
});

test('a manager sees the Manager menu and not the customer sections', async ({ page }) => {
  const manager = createManager();
  await logIn(page, manager);
  const menu = page.getByRole('navigation', { name: 'Main' });
  await expect(menu.getByRole('link', { name: 'Accounts', exact: true })).toBeVisible();
  await expect(menu.getByRole('link', { name: 'Sub Accounts' })).toHaveCount(0);
  await expect(page.getByRole('banner').getByText('Manager', { exact: true })).toBeVisible();
});
