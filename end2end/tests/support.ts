import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export interface Credentials {
  login: string;
  password: string;
}

/** A login no other test uses. */
export function uniqueLogin(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** A fresh password of the required length. */
export function newPassword(): string {
  return `pw-${randomBytes(9).toString('base64url')}`;
}

/** Runs the sms-portal CLI against the suite's database. */
export function cli(args: string[], stdin = ''): string {
  return execFileSync(process.env.E2E_BINARY!, args, {
    input: stdin,
    env: { ...process.env, DATABASE_URL: process.env.E2E_DATABASE_URL, RUST_LOG: 'warn' },
  }).toString();
}

export function createManager(): Credentials {
  const creds = { login: uniqueLogin('mgr'), password: newPassword() };
  cli(['manager', 'create', '--login', creds.login, '--name', 'Morgan Manager'], `${creds.password}\n`);
  return creds;
}

export interface Owner extends Credentials {
  company: string;
}

export function createOwner(options: { canAddSubaccount: boolean }): Owner {
  const login = uniqueLogin('owner');
  const owner = { login, password: newPassword(), company: `Company ${login}` };
  const args = ['account', 'create', '--login', login, '--name', 'Olivia Owner', '--email', `${login}@example.com`,
    '--phone', '+44 20 7946 0000', '--company', owner.company];
  if (options.canAddSubaccount) args.push('--can-add-subaccount');
  cli(args, `${owner.password}\n`);
  return owner;
}

/** Opens a page; in the hydrated project, waits until the wasm has taken over. */
export async function open(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await waitForHydration(page);
}

/** False in the project that runs with JavaScript disabled. */
export function jsEnabled(): boolean {
  return test.info().project.use.javaScriptEnabled !== false;
}

export async function waitForHydration(page: Page): Promise<void> {
  if (jsEnabled()) await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
}

export async function logIn(page: Page, creds: Credentials): Promise<void> {
  await open(page, '/login');
  await page.getByLabel('Login').fill(creds.login);
  await page.getByLabel('Password').fill(creds.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('button', { name: 'Log out' })).toBeVisible();
  await waitForHydration(page);
}

export async function logOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page).toHaveURL(/\/login/);
}
