import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import {
  chooseOwnPassword, createOwner, createSubAccount, fillSubAccountForm, jsEnabled, logIn, logOut, newPage, open,
  rowAction, subAccountFields, topUp,
} from './support';

test('a generated password is shown once, and the sub-user replaces it at the first login before anything else opens @nojs', async ({ page, browser }) => {
  const owner = createOwner({ canAddSubaccount: true });
  await logIn(page, owner);
  const fields = subAccountFields('first');
  await open(page, '/settings/sub-accounts/new');
  await fillSubAccountForm(page, { ...fields, password: '' });
  await page.getByRole('button', { name: 'Generate password' }).click();
  await expect(page.getByRole('heading', { name: 'Sub Accounts' })).toBeVisible();
  const shown = page.getByLabel('Generated password');
  await expect(shown).toHaveValue(/^[A-Za-z0-9]{20}$/);
  const generated = await shown.inputValue();
  await open(page, '/settings/sub-accounts');
  await expect(page.getByLabel('Generated password')).toHaveCount(0);

  const sub = await newPage(browser);
  await open(sub, '/login');
  await sub.getByLabel('Login').fill(fields.login);
  await sub.getByLabel('Password').fill(generated);
  await sub.getByRole('button', { name: 'Log in' }).click();
  await expect(sub.getByRole('heading', { name: 'Change your password' })).toBeVisible();
  // The menu offers nothing but Home yet, and no address leads past the form.
  await expect(sub.getByRole('navigation', { name: 'Main' }).getByRole('link')).toHaveText(['Home']);
  await open(sub, '/profile');
  await expect(sub).toHaveURL(/\/account\/password$/);
  await expect(sub.getByRole('heading', { name: 'Change your password' })).toBeVisible();

  await chooseOwnPassword(sub, generated);
  await expect(sub).toHaveURL(/\/$/);
  await expect(sub.getByRole('heading', { name: 'Change your password' })).toHaveCount(0);

  // A reset by the owner is temporary again, and may be generated too.
  await rowAction(page, fields.login, 'Reset password');
  await page.getByRole('button', { name: 'Generate password' }).click();
  await expect(page.getByRole('status')).toContainText('has a new password');
  const reset = await page.getByLabel('Generated password').inputValue();
  expect(reset).not.toBe(generated);
  await logIn(sub, { login: fields.login, password: reset });
  await expect(sub.getByRole('heading', { name: `Welcome, ${fields.name}` })).toBeVisible();
});

test('an owner caps a sub-user’s monthly sending: a campaign past the cap is refused, and what was spent shows @nojs', async ({ page, browser }) => {
  const owner = createOwner({ canAddSubaccount: true });
  await logIn(page, owner);
  await topUp(page, '25', '€25.00');
  const fields = subAccountFields('capped');
  await open(page, '/settings/sub-accounts/new');
  await fillSubAccountForm(page, fields);
  await page.getByLabel('Monthly spending cap (€)').fill('nonsense');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Enter an amount in euros')).toBeVisible();
  await expect(page.getByLabel('Monthly spending cap (€)')).toHaveValue('nonsense');
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue(fields.name);
  await page.getByLabel('Password', { exact: true }).fill(fields.password);
  await page.getByLabel('Monthly spending cap (€)').fill('0.01');
  await page.getByRole('button', { name: 'Save' }).click();
  const row = page.getByRole('row').filter({ hasText: fields.login });
  await expect(row).toContainText('€0.00 of €0.01 this month');
  await rowAction(page, fields.login, 'Manage access');
  await page.getByRole('group', { name: 'Sending' }).getByLabel('Can Send Bulk').check();
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status')).toHaveText('Saved');

  const sub = await newPage(browser);
  await logIn(sub, fields);
  await open(sub, '/sending/bulk');
  await expect(sub.getByText('Your monthly spending cap: €0.00 of €0.01 spent this month.')).toBeVisible();
  await sub.getByLabel('Sender name').selectOption('INFO');
  await sub.getByLabel('Phone numbers').fill('+44 7430 900101');
  await sub.getByLabel('Message').fill('Over the cap');
  await sub.getByRole('button', { name: 'Review' }).click();
  await sub.getByRole('button', { name: 'Send campaign' }).click();
  await expect(sub.getByRole('alert')).toContainText('would pass your monthly spending cap');

  // Raised, the cap lets the campaign through, and the list says what it cost.
  await rowAction(page, fields.login, 'Edit');
  await page.getByLabel('Monthly spending cap (€)').fill('200');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('row').filter({ hasText: fields.login })).toContainText('€0.00 of €200.00 this month');
  await open(sub, '/sending/bulk');
  await sub.getByLabel('Sender name').selectOption('INFO');
  await sub.getByLabel('Phone numbers').fill('+44 7430 900101');
  await sub.getByLabel('Message').fill('Within the cap');
  await sub.getByRole('button', { name: 'Review' }).click();
  await sub.getByRole('button', { name: 'Send campaign' }).click();
  await expect(sub.getByRole('status')).toContainText('is on its way');
  await open(page, '/settings/sub-accounts');
  await expect(page.getByRole('row').filter({ hasText: fields.login })).not.toContainText('€0.00 of €200.00');
  await expect(page.getByRole('row').filter({ hasText: fields.login })).toContainText('of €200.00');

  // The owner's report, filtered by who sent.
  await open(page, '/analytics/details');
  await page.getByLabel('Sent by').selectOption({ label: fields.login });
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByText('1 message', { exact: true })).toBeVisible();
  await page.getByLabel('Sent by').selectOption({ label: 'The HTTP API' });
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByText('No messages match these filters.')).toBeVisible();
});

test('an owner makes a preset, applies it and copies a teammate’s access; nothing changes until Save @nojs', async ({ page }) => {
  const owner = createOwner({ canAddSubaccount: true });
  await logIn(page, owner);
  await open(page, '/settings/sub-accounts');
  await page.getByRole('link', { name: 'Presets' }).click();
  await expect(page.getByRole('heading', { name: 'Permission presets' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Built-in presets' })).toContainText('Read-only');
  await page.getByLabel('Name', { exact: true }).fill('Support');
  await page.getByLabel('Can See Incoming Sms Export').check();
  if (jsEnabled()) await expect(page.getByLabel('Can See Incoming Sms', { exact: true })).toBeChecked();
  else await page.getByLabel('Can See Incoming Sms', { exact: true }).check();
  await page.getByRole('button', { name: 'Create preset' }).click();
  await expect(page.getByRole('status')).toContainText('Preset created');
  const own = page.getByRole('region', { name: 'Your presets' });
  await expect(own.getByRole('row').filter({ hasText: 'Support' })).toContainText('Can See Incoming Sms Export');
  await own.getByLabel('New name for Support').fill('Helpdesk');
  await own.getByRole('button', { name: 'Rename' }).click();
  await expect(page.getByRole('status')).toHaveText('Preset renamed.');

  // The new sub-account starts from the preset.
  const anna = await createSubAccount(page, subAccountFields('anna'));
  await open(page, '/settings/sub-accounts/new');
  const sam = subAccountFields('sam');
  await fillSubAccountForm(page, sam);
  await page.getByLabel('Preset').selectOption({ label: 'Helpdesk' });
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('row').filter({ hasText: sam.login })).toContainText('2 of 15');

  // On anna's Access page: the Sender preset ticks exactly its three boxes, unsaved.
  await rowAction(page, anna.login, 'Manage access');
  await page.getByLabel('Preset').selectOption({ label: 'Sender (built-in)' });
  await page.getByRole('button', { name: 'Apply preset' }).click();
  await expect(page.getByRole('status')).toContainText('Preset “Sender” applied');
  await expect(page.getByRole('checkbox', { checked: true })).toHaveCount(3);
  for (const label of ['Can Send Bulk', 'Can Use Database', 'Can Sender View']) {
    await expect(page.getByLabel(label, { exact: true })).toBeChecked();
  }
  await open(page, '/settings/sub-accounts');
  await expect(page.getByRole('row').filter({ hasText: anna.login })).toContainText('No access');

  // Copying sam's access, then saving, makes it anna's.
  await rowAction(page, anna.login, 'Manage access');
  await page.getByLabel('Copy from').selectOption({ label: sam.login });
  await page.getByRole('button', { name: 'Copy' }).click();
  await expect(page.getByRole('status')).toContainText(`${sam.login}’s access applied`);
  await expect(page.getByLabel('Can See Incoming Sms Export')).toBeChecked();
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status')).toHaveText('Saved');
  await open(page, '/settings/sub-accounts');
  await expect(page.getByRole('row').filter({ hasText: anna.login })).toContainText('2 of 15');

  await open(page, '/settings/sub-accounts/presets');
  await page.getByRole('button', { name: 'Delete preset Helpdesk' }).click();
  await expect(page.getByRole('status')).toContainText('Preset deleted');
  await expect(page.getByRole('region', { name: 'Your presets' })).toContainText('None yet');
});

test('an owner finds who can export incoming SMS, disables them together after one confirmation, and exports the review @nojs', async ({ page }) => {
  const owner = createOwner({ canAddSubaccount: true });
  await logIn(page, owner);
  const team = [];
  for (const prefix of ['exp-a', 'exp-b', 'plain']) team.push(await createSubAccount(page, subAccountFields(prefix)));
  for (const sub of team.slice(0, 2)) {
    await rowAction(page, sub.login, 'Manage access');
    await page.getByLabel('Can See Incoming Sms Export').check();
    if (!jsEnabled()) await page.getByLabel('Can See Incoming Sms', { exact: true }).check();
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByRole('status')).toHaveText('Saved');
  }

  await open(page, '/settings/sub-accounts');
  await page.getByLabel('Permission').selectOption({ label: 'Can See Incoming Sms Export' });
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page.getByRole('row').filter({ hasText: team[0].login })).toBeVisible();
  await expect(page.getByRole('row').filter({ hasText: team[1].login })).toBeVisible();
  await expect(page.getByRole('row').filter({ hasText: team[2].login })).toHaveCount(0);

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export access review' }).click();
  const file = await (await download).path();
  const csv = (await import('node:fs')).readFileSync(file!, 'utf8');
  expect(csv.split('\n')[0]).toContain('"login"');
  expect(csv).toContain(team[0].login);
  expect(csv).not.toContain(team[2].login);

  await page.getByLabel('Select all on this page').check();
  if (jsEnabled()) {
    await expect(page.getByLabel(`Select ${team[0].login}`)).toBeChecked();
    await expect(page.getByText('2 selected')).toBeVisible();
  }
  await page.getByRole('button', { name: 'Disable selected' }).click();
  await expect(page.getByRole('status')).toHaveText('2 sub-accounts disabled. Their open sessions have ended.');
  await page.getByLabel('Search').fill(team[0].login);
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page.getByRole('row').filter({ hasText: team[0].login })).toContainText('Disabled');

  // Deleting names how many before anything goes.
  await open(page, '/settings/sub-accounts');
  await page.getByLabel(`Select ${team[0].login}`).check();
  await page.getByLabel(`Select ${team[2].login}`).check();
  await page.getByRole('button', { name: 'Delete selected' }).click();
  await expect(page.getByRole('alertdialog')).toContainText('Delete 2 sub-accounts?');
  await expect(page.getByRole('alertdialog')).toContainText(team[2].login);
  await page.getByRole('button', { name: 'Delete 2 sub-accounts' }).click();
  await expect(page.getByRole('status')).toHaveText('2 sub-accounts deleted.');
  await expect(page.getByRole('cell', { name: team[0].login, exact: true })).toHaveCount(0);
  await expect(page.getByRole('cell', { name: team[1].login, exact: true })).toBeVisible();
});

test('the Access page previews the sub-user’s menu and limits, following the ticks before Save @nojs', async ({ page }) => {
  const owner = createOwner({ canAddSubaccount: true });
  await logIn(page, owner);
  const fields = subAccountFields('preview');
  await open(page, '/settings/sub-accounts/new');
  await fillSubAccountForm(page, fields);
  await page.getByLabel('Monthly spending cap (€)').fill('200');
  await page.getByRole('button', { name: 'Save' }).click();
  await rowAction(page, fields.login, 'Manage access');
  const preview = page.getByRole('region', { name: 'Preview' });
  const menu = preview.getByRole('navigation', { name: 'Preview menu' });
  await expect(menu).toContainText('Home');
  await expect(menu).not.toContainText('Bulk SMS');
  await expect(preview).toContainText('Sees only the home page');

  if (jsEnabled()) {
    // Live: the preview follows each tick.
    await page.getByLabel('Can Send Bulk').check();
    await expect(menu).toContainText('Bulk SMS');
    await expect(preview).toContainText('Can spend up to €200.00 a month.');
    await page.getByLabel('Can Use Analytics Details', { exact: true }).check();
    await expect(menu).toContainText('Details');
    await expect(preview).toContainText('Sees phone numbers masked in the report.');
    await page.getByLabel('Can Send Bulk').uncheck();
    await expect(menu).not.toContainText('Bulk SMS');
  } else {
    // Without JavaScript the preview is drawn for the ticks the page came with.
    await page.getByLabel('Preset').selectOption({ label: 'Sender (built-in)' });
    await page.getByRole('button', { name: 'Apply preset' }).click();
    await expect(menu).toContainText('Bulk SMS');
    await expect(preview).toContainText('Can spend up to €200.00 a month.');
  }
});

/** The code oathtool (RFC 6238, not ours) gives for a base32 secret, `ahead` seconds from now. */
function oathtool(secret: string, ahead = 0): string {
  const at = Math.floor(Date.now() / 1000) + ahead;
  return execFileSync('oathtool', ['--totp', '-b', secret, '-N', `@${at}`]).toString().trim();
}

test('an owner turns on two-factor authentication, logs in with a code, and requires it of the team @nojs', async ({ page, browser }) => {
  const owner = createOwner({ canAddSubaccount: true });
  await logIn(page, owner);
  const sub = await createSubAccount(page, subAccountFields('tfa'));
  const subPage = await newPage(browser);
  await logIn(subPage, sub);
  await logOut(subPage);

  await page.getByRole('link', { name: 'Two-factor' }).click();
  await page.getByRole('button', { name: 'Enable two-factor authentication' }).click();
  await expect(page.getByRole('img', { name: 'QR code for your authenticator app' })).toBeVisible();
  const secret = (await page.getByLabel('Secret key').textContent())!.replace(/\s/g, '');
  await page.getByLabel('Authentication code').fill(oathtool(secret));
  await page.getByLabel('Password', { exact: true }).fill(owner.password);
  await page.getByRole('button', { name: 'Confirm' }).click();
  await expect(page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem')).toHaveCount(10);

  await logOut(page);
  await open(page, '/login');
  await page.getByLabel('Login').fill(owner.login);
  await page.getByLabel('Password').fill(owner.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByLabel('Authentication code').fill('000000');
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByText('This code is not valid')).toBeVisible();
  await page.getByLabel('Authentication code').fill(oathtool(secret, 30));
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByRole('button', { name: 'Log out' })).toBeVisible();

  await open(page, '/settings/sub-accounts');
  await page.getByLabel('Require two-factor authentication for sub-accounts').check();
  await page.getByRole('button', { name: 'Save setting' }).click();
  await expect(page.getByLabel('Require two-factor authentication for sub-accounts')).toBeChecked();
  await logIn(subPage, sub);
  await expect(subPage).toHaveURL(/\/account\/two-factor$/);
  await expect(subPage.getByText('Your account requires two-factor authentication')).toBeVisible();
  await expect(subPage.getByRole('button', { name: 'Enable two-factor authentication' })).toBeVisible();

  // The sub-user sets it up; a lost phone later, the owner resets it.
  await subPage.getByRole('button', { name: 'Enable two-factor authentication' }).click();
  const subSecret = (await subPage.getByLabel('Secret key').textContent())!.replace(/\s/g, '');
  await subPage.getByLabel('Authentication code').fill(oathtool(subSecret));
  await subPage.getByLabel('Password', { exact: true }).fill(sub.password);
  await subPage.getByRole('button', { name: 'Confirm' }).click();
  await expect(subPage.getByRole('list', { name: 'Recovery codes' })).toBeVisible();
  await rowAction(page, sub.login, 'Reset two-factor');
  await expect(page.getByRole('status')).toContainText('has two-factor authentication off');
});
