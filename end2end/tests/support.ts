import { expect, test, type Browser, type Page } from '@playwright/test';
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

/** Opens a page; in the hydrated project, waits until its islands are hydrated. */
export async function open(page: Page, url: string): Promise<void> {
  recordProblems(page);
  await page.goto(url);
  await waitForHydration(page);
}

/** False in the project that runs with JavaScript disabled. */
export function jsEnabled(): boolean {
  return test.info().project.use.javaScriptEnabled !== false;
}

/** What went wrong in a page's browser side, said when it fails to hydrate. */
const problems = new WeakMap<Page, string[]>();

function recordProblems(page: Page): void {
  if (problems.has(page)) return;
  const seen: string[] = [];
  problems.set(page, seen);
  page.on('pageerror', (error) => seen.push(`page error: ${error.message}`));
  page.on('console', (message) => { if (message.type() === 'error' || message.type() === 'warning') seen.push(`console ${message.type()}: ${message.text()}`); });
  page.on('requestfailed', (request) => seen.push(`request failed: ${request.url()} ${request.failure()?.errorText}`));
}

/**
 * Waits until the islands are hydrated. On failure it says what the page
 * loaded and what went wrong, so a rare miss can be understood from CI.
 */
export async function waitForHydration(page: Page): Promise<void> {
  if (!jsEnabled()) return;
  recordProblems(page);
  try {
    await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true', { timeout: 30_000 });
  } catch (error) {
    const state = await page.evaluate(() => ({
      readyState: document.readyState,
      moduleLoaded: '__hydrateIsland' in window,
      islands: document.querySelectorAll('leptos-island').length,
      resources: performance.getEntriesByType('resource').map((entry) => {
        const r = entry as PerformanceResourceTiming;
        return `${r.name} status ${r.responseStatus} ${Math.round(r.duration)} ms ${r.encodedBodySize} B`;
      }),
    })).catch((e) => `state unreadable: ${e}`);
    throw new Error(`${(error as Error).message}\nNot hydrated: ${JSON.stringify(state, null, 2)}\n${(problems.get(page) ?? []).join('\n')}`);
  }
}

/**
 * Logs in. A password the owner set is temporary: the first login replaces
 * it with one of the user's own, and `creds` holds the new one afterwards.
 */
export async function logIn(page: Page, creds: Credentials): Promise<void> {
  await open(page, '/login');
  await page.getByLabel('Login').fill(creds.login);
  await page.getByLabel('Password').fill(creds.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('button', { name: 'Log out' })).toBeVisible();
  await waitForHydration(page);
  if (await page.getByRole('heading', { name: 'Change your password' }).isVisible()) {
    creds.password = await chooseOwnPassword(page, creds.password);
  }
}

/** On the first-login form: replaces the temporary password; returns the new one. */
export async function chooseOwnPassword(page: Page, temporary: string): Promise<string> {
  const own = newPassword();
  await page.getByLabel('Current password').fill(temporary);
  await page.getByLabel('New password', { exact: true }).fill(own);
  await page.getByLabel('Confirm new password').fill(own);
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('heading', { name: 'Change your password' })).toBeHidden();
  await waitForHydration(page);
  return own;
}

export async function logOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page).toHaveURL(/\/login/);
}

/** A second, independent browser session (another person), with the project's settings. */
export async function newPage(browser: Browser): Promise<Page> {
  const { baseURL, javaScriptEnabled } = test.info().project.use;
  const context = await browser.newContext({ baseURL, javaScriptEnabled });
  return context.newPage();
}

export interface SubAccountFields {
  login: string;
  password: string;
  name: string;
  phone: string;
  email: string;
  company?: string;
}

export function subAccountFields(prefix = 'sub'): SubAccountFields {
  return {
    login: uniqueLogin(prefix),
    password: newPassword(),
    name: 'Anna Kowalska',
    phone: '+48 600 100 200',
    email: 'anna@example.com',
  };
}

/** Fills the Create Sub Account form as a person would, field by field. */
export async function fillSubAccountForm(page: Page, fields: SubAccountFields): Promise<void> {
  await page.getByLabel('Login').fill(fields.login);
  await page.getByLabel('Password', { exact: true }).fill(fields.password);
  await page.getByLabel('Name', { exact: true }).fill(fields.name);
  await page.getByLabel('Phone').fill(fields.phone);
  await page.getByLabel('Email').fill(fields.email);
  await page.getByLabel('Company name (optional)').fill(fields.company ?? '');
}

/** The owner (logged in on `page`) creates a sub-account through the UI. */
export async function createSubAccount(page: Page, fields = subAccountFields()): Promise<SubAccountFields> {
  await open(page, '/settings/sub-accounts/new');
  await fillSubAccountForm(page, fields);
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('heading', { name: 'Sub Accounts' })).toBeVisible();
  await expect(page.getByRole('cell', { name: fields.login, exact: true })).toBeVisible();
  await waitForHydration(page);
  return fields;
}

/** Opens the `+` menu of a sub-account's row and follows one of its actions. */
export async function rowAction(page: Page, login: string, action: string): Promise<void> {
  await open(page, '/settings/sub-accounts');
  await page.getByRole('button', { name: `Actions for ${login}` }).click();
  const item = page.getByRole('link', { name: action, exact: true }).or(page.getByRole('button', { name: action, exact: true }));
  const leaves = await item.evaluate((element) => element.tagName === 'A');
  await item.click();
  // A link opens another page: its islands must be hydrated before the
  // test ticks a box that an island keeps consistent.
  if (leaves) {
    await page.waitForURL((url) => url.pathname !== '/settings/sub-accounts');
    await waitForHydration(page);
  }
}

/** Tops up through the two steps of the form: the amount, then "Pay €…". */
export async function topUp(page: Page, typed: string, shown: string): Promise<void> {
  await open(page, '/finance/top-up');
  await page.getByLabel('Amount (EUR)').fill(typed);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('heading', { name: `Pay ${shown}?` })).toBeVisible();
  await waitForHydration(page);
  await page.getByRole('button', { name: `Pay ${shown}` }).click();
  await expect(page.getByRole('status')).toContainText(`Payment received: ${shown}`);
}
