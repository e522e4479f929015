// What a new customer tripped over (issue #17), walked the same way.
import { expect, test, type Locator } from '@playwright/test';
import { createManager, createOwner, createSubAccount, jsEnabled, logIn, newPage, open, subAccountFields, topUp, waitForHydration } from './support';

test('a decimal comma tops up cents, not thousands, after a confirmation, and the field is empty afterwards @nojs', async ({ page }) => {
  const owner = createOwner({ canAddSubaccount: false });
  await logIn(page, owner);
  await topUp(page, '50,50', '€50.50');
  await expect(page.getByRole('banner')).toContainText('€50.50');
  await expect(page.getByLabel('Amount (EUR)')).toHaveValue('');
  await expect(page.getByRole('button', { name: 'Pay €50.50' })).toHaveCount(0);

  // What reads two ways is refused next to the field, and nothing is paid.
  await page.getByLabel('Amount (EUR)').fill('1,000,5');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByText('Is that a decimal or a thousands separator?')).toBeVisible();
  await open(page, '/finance');
  await expect(page.getByRole('cell', { name: 'Card payment' })).toHaveCount(1);
});

test('a row menu closes after its action and never lands on another row @nojs', async ({ page }) => {
  const owner = createOwner({ canAddSubaccount: true });
  await logIn(page, owner);
  const analyst = await createSubAccount(page, { ...subAccountFields('analyst'), name: 'Alma Analyst' });
  const finance = await createSubAccount(page, { ...subAccountFields('finance'), name: 'Fred Finance' });
  // Sorted by status, a disabled row moves below the active ones.
  await open(page, '/settings/sub-accounts?sort=status&dir=asc');
  await page.getByRole('button', { name: `Actions for ${analyst.login}` }).click();
  await page.getByRole('button', { name: 'Disable', exact: true }).click();
  const analystRow = page.getByRole('row').filter({ hasText: analyst.login });
  await expect(analystRow).toContainText('Disabled');
  await waitForHydration(page);
  await expect(page.locator('details[open]')).toHaveCount(0);
  const financeRow = page.getByRole('row').filter({ hasText: finance.login });
  await expect(financeRow).toContainText('Active');
  await expect(financeRow.getByRole('button', { name: 'Disable', exact: true })).toBeHidden();
});

test('saving a contact that re-sorts the list leaves no editor open over another contact @nojs', async ({ page }) => {
  const owner = createOwner({ canAddSubaccount: false });
  await logIn(page, owner);
  await open(page, '/sending/database');
  await page.getByLabel('List name').fill('Guests');
  await page.getByRole('button', { name: 'Create list' }).click();
  await expect(page.getByRole('heading', { name: 'Guests' })).toBeVisible();
  await page.getByText('Or paste rows').click();
  await page.getByLabel('CSV rows').fill('+44 7430 900101,Adam Able\n+44 7430 900102,Bella Baker');
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByText('Imported 2 contact(s)')).toBeVisible();
  await waitForHydration(page);

  // Renaming Adam to Zed moves him below Bella.
  await page.getByRole('button', { name: 'Actions for Adam Able' }).click();
  const editor = page.locator('details[open]');
  await editor.getByLabel('Name').fill('Zed Zimmer');
  await editor.getByRole('button', { name: 'Save contact' }).click();
  await expect(page.getByRole('cell', { name: 'Zed Zimmer' })).toBeVisible();
  await expect(page.locator('details[open]')).toHaveCount(0);
  await expect(page.getByRole('cell', { name: 'Bella Baker' })).toBeVisible();
  if (jsEnabled()) {
    // Bella's own menu edits Bella.
    await page.getByRole('button', { name: 'Actions for Bella Baker' }).click();
    await expect(page.locator('details[open]').getByLabel('Name')).toHaveValue('Bella Baker');
  }
});

test('an edit after Review withdraws it; Send sends what was reviewed; the form starts afresh afterwards', async ({ page }) => {
  const owner = createOwner({ canAddSubaccount: false });
  await logIn(page, owner);
  await topUp(page, '10', '€10.00');
  await open(page, '/sending/bulk');
  await page.getByLabel('Sender name').selectOption('INFO');
  await page.getByLabel('Phone numbers').fill('+447430900123');
  await page.getByLabel('Message').fill('First draft');
  await page.getByRole('button', { name: 'Review' }).click();
  const review = page.getByRole('region', { name: 'Review' });
  await expect(review.getByText('First draft')).toBeVisible();
  await waitForHydration(page);

  await page.getByLabel('Message').fill('The final text');
  await expect(review.getByText('You changed the campaign')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Send campaign' })).toHaveCount(0);
  await page.getByRole('button', { name: 'Review again' }).click();
  await expect(review.getByText('The final text')).toBeVisible();
  await expect(review.getByText('You changed the campaign')).toHaveCount(0);

  await page.getByRole('button', { name: 'Send campaign' }).click();
  await expect(page.getByRole('status').first()).toContainText('is on its way');
  await expect(page.getByLabel('Message')).toHaveValue('');
  await expect(page.getByLabel('Phone numbers')).toHaveValue('');
  await expect(page.getByText('0 characters')).toBeVisible();
  await expect(page.getByRole('region', { name: 'Review' })).toHaveCount(0);
  const sent = page.locator('tr.highlight');
  await expect(sent).toContainText('The final text');
  await expect(sent).toBeInViewport();
  // Its progress is followed in place: the page is never reloaded.
  await waitForHydration(page);
  await page.evaluate(() => { (window as any).stillThisPage = true; });
  await expect(sent).toContainText('delivered', { timeout: 20_000 });
  await expect(sent).toContainText('1 ✓ / 0 ✗');
  expect(await page.evaluate(() => (window as any).stillThisPage)).toBe(true);

  // At 1,280 pixels every column fits its card: Status and By included.
  await fitsItsCard(page.getByRole('region', { name: 'Campaigns' }), 'By');
  await open(page, '/analytics/details');
  await fitsItsCard(page.locator('.table-card'), 'Status');
});

async function fitsItsCard(card: Locator, lastColumn: string): Promise<void> {
  const column = card.getByRole('columnheader', { name: lastColumn, exact: true });
  await expect(column).toBeVisible();
  const [cardBox, columnBox] = [await card.boundingBox(), await column.boundingBox()];
  expect(columnBox!.x + columnBox!.width).toBeLessThanOrEqual(cardBox!.x + cardBox!.width + 1);
}

test('3,000 pasted numbers are reviewed by a POST that keeps them out of the address bar @nojs', async ({ page }) => {
  const owner = createOwner({ canAddSubaccount: false });
  await logIn(page, owner);
  await open(page, '/sending/bulk');
  const numbers = Array.from({ length: 3000 }, (_, n) => `+4474309${String(n).padStart(5, '0')}`).join('\n');
  await page.getByLabel('Sender name').selectOption('INFO');
  // As a paste does: all at once (typing 3,000 lines key by key takes minutes).
  await page.getByLabel('Phone numbers').evaluate((field: HTMLTextAreaElement, value) => { field.value = value; }, numbers);
  await page.getByLabel('Message').fill('Our spring sale starts today');
  await page.getByRole('button', { name: 'Review' }).click();
  const review = page.getByRole('region', { name: 'Review' });
  await expect(review.locator('dd').first()).toHaveText('3,000');
  expect(page.url()).not.toContain('4474309');
  expect(page.url().length).toBeLessThan(100);
  // The paste is kept in the form for editing.
  await expect(page.getByLabel('Phone numbers')).toHaveValue(numbers);
});

test('every change of a sub-account says what happened, and the list shows each one\'s access at a glance @nojs', async ({ page }) => {
  const owner = createOwner({ canAddSubaccount: true });
  await logIn(page, owner);
  const sam = await createSubAccount(page, subAccountFields('sam.support'));
  const notice = page.getByRole('status');
  await expect(notice).toContainText(`${sam.login} created — no access yet.`);
  await expect(page.getByRole('row').filter({ hasText: sam.login })).toContainText('No access');

  await notice.getByRole('link', { name: 'Set access' }).click();
  await expect(page.getByRole('heading', { name: 'Access of Sub Account' })).toBeVisible();
  await waitForHydration(page);
  await page.getByLabel('Can See Prices').check();
  await page.getByLabel('Can See Incoming Sms', { exact: true }).check();
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status')).toContainText('Saved');

  await open(page, '/settings/sub-accounts');
  const row = page.getByRole('row').filter({ hasText: sam.login });
  await expect(row).toContainText('2 of 15');
  await expect(row).toContainText('Incoming SMS, Prices');

  await row.getByRole('button', { name: `Actions for ${sam.login}` }).click();
  await row.getByRole('button', { name: 'Disable', exact: true }).click();
  await expect(page.getByRole('status')).toContainText(`${sam.login} disabled. Their open sessions have ended.`);
  await page.getByRole('row').filter({ hasText: sam.login }).getByRole('button', { name: `Actions for ${sam.login}` }).click();
  await page.getByRole('button', { name: 'Enable', exact: true }).click();
  await expect(page.getByRole('status')).toContainText(`${sam.login} enabled.`);
});

test('leaving the Access page with unsaved ticks asks first', async ({ page }) => {
  const owner = createOwner({ canAddSubaccount: true });
  await logIn(page, owner);
  const sub = await createSubAccount(page);
  await page.getByRole('status').getByRole('link', { name: 'Set access' }).click();
  await expect(page.getByRole('heading', { name: 'Access of Sub Account' })).toBeVisible();
  await waitForHydration(page);
  await page.getByLabel('Can See Prices').check();

  page.once('dialog', (dialog) => dialog.dismiss());
  await page.getByRole('link', { name: 'Back to Sub Accounts' }).click();
  await expect(page.getByRole('heading', { name: 'Access of Sub Account' })).toBeVisible();
  await expect(page.getByLabel('Can See Prices')).toBeChecked();

  let asked = '';
  page.once('dialog', (dialog) => { asked = dialog.message(); void dialog.accept(); });
  await page.getByRole('link', { name: 'Back to Sub Accounts' }).click();
  await expect(page.getByRole('heading', { name: 'Sub Accounts' })).toBeVisible();
  expect(asked).toContain('unsaved changes');
  await expect(page.getByRole('row').filter({ hasText: sub.login })).toContainText('No access');
});

test('a denied page names the permission it needs, and the owner\'s home shows balance, team and campaigns @nojs', async ({ page, browser }) => {
  const owner = createOwner({ canAddSubaccount: true });
  await logIn(page, owner);
  await topUp(page, '20', '€20.00');
  const sub = await createSubAccount(page);
  await open(page, '/');
  await expect(page.locator('.kpi').filter({ hasText: 'Balance' })).toContainText('€20.00');
  await expect(page.locator('.kpi').filter({ hasText: 'Team' })).toContainText('1 of 1 enabled');
  await expect(page.getByRole('heading', { name: 'Latest campaigns' })).toBeVisible();

  const subPage = await newPage(browser);
  await logIn(subPage, sub);
  await subPage.goto('/sending/bulk');
  await expect(subPage.getByRole('heading', { name: 'Access denied' })).toBeVisible();
  await expect(subPage.getByText('This page needs the permission “Can Send Bulk”')).toBeVisible();
});

test('the manager is told what a new account is and what switching the option off does @nojs', async ({ page }) => {
  const manager = createManager();
  const owner = createOwner({ canAddSubaccount: true });
  const ownerPage = page;
  await logIn(ownerPage, owner);
  await createSubAccount(ownerPage);
  await ownerPage.getByRole('button', { name: 'Log out' }).click();

  await logIn(page, manager);
  await open(page, '/manager/accounts');
  const row = page.getByRole('row').filter({ hasText: owner.login });
  await expect(row).toContainText('Switching it off locks out its 1 sub-user until it is switched on again.');

  await open(page, '/manager/accounts/new');
  const login = `acme-${Date.now()}`;
  await page.getByLabel('Login').fill(login);
  await page.getByLabel('Password', { exact: true }).fill('a long enough password');
  await page.getByLabel('Name', { exact: true }).fill('Ada Acme');
  await page.getByLabel('Phone').fill('+44 20 7946 0999');
  await page.getByLabel('Email').fill('ada@example.com');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status')).toContainText(`Account created. Its owner logs in as ${login}.`);
});

test('contacts come from a CSV file, national numbers in the chosen country, and show grouped @nojs', async ({ page }) => {
  const owner = createOwner({ canAddSubaccount: false });
  await logIn(page, owner);
  await open(page, '/sending/database');
  await page.getByLabel('List name').fill('Suppliers');
  await page.getByRole('button', { name: 'Create list' }).click();
  await expect(page.getByRole('heading', { name: 'Suppliers' })).toBeVisible();
  // The owner's own phone is British: the United Kingdom comes first.
  await expect(page.locator('#file-country')).toHaveValue('GB');
  await page.getByLabel('CSV file').setInputFiles({
    name: 'contacts.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('\ufeffphone,name\n07430 900203,Nia National\n+353 87 123 4567,Ian Irish\n12,Too Short\n'),
  });
  await page.getByRole('button', { name: 'Import file' }).click();
  await expect(page.getByText('Imported 2 contact(s)')).toBeVisible();
  await expect(page.getByText('Line 4:')).toBeVisible();
  await expect(page.getByRole('cell', { name: '+44 7430 900203' })).toBeVisible();
  await expect(page.getByRole('cell', { name: '+353 87 123 4567' })).toBeVisible();
});

test('on a phone (390 × 844) the menu folds behind “Menu”, and a row menu opens on screen @nojs', async ({ page }) => {
  const owner = createOwner({ canAddSubaccount: true });
  await logIn(page, owner);
  const sub = await createSubAccount(page);
  await page.setViewportSize({ width: 390, height: 844 });
  await open(page, '/');
  const menu = page.getByRole('navigation', { name: 'Main' });
  await expect(menu).toBeHidden();
  await page.getByText('Menu', { exact: true }).click();
  await expect(menu).toBeVisible();
  await menu.getByRole('link', { name: 'Prices' }).click();
  await expect(page.getByRole('heading', { name: 'Prices' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeHidden();

  // The team list is a card per sub-account, its menu within the screen.
  await open(page, '/settings/sub-accounts');
  const actions = page.getByRole('button', { name: `Actions for ${sub.login}` });
  await actions.scrollIntoViewIfNeeded();
  await expect(actions).toBeInViewport();
  await actions.click();
  const manage = page.getByRole('link', { name: 'Manage access' });
  await manage.scrollIntoViewIfNeeded();
  await expect(manage).toBeInViewport({ ratio: 1 });
});

test('times are shown in the account\'s time zone, and tables say which @nojs', async ({ page }) => {
  const owner = createOwner({ canAddSubaccount: false });
  await logIn(page, owner);
  await open(page, '/profile');
  await page.getByLabel('Time zone').selectOption('Asia/Kolkata');
  await page.getByRole('button', { name: 'Save' }).first().click();
  await expect(page.getByRole('status')).toContainText('Saved');
  await topUp(page, '10', '€10.00');
  await open(page, '/finance');
  await expect(page.getByRole('columnheader', { name: 'Time (Asia/Kolkata)' })).toBeVisible();
  // Kolkata is UTC+5:30 all year: the minutes of the top-up's time show it.
  const shown = await page.getByRole('row').filter({ hasText: 'Card payment' }).locator('td').first().innerText();
  const kolkata = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Kolkata', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const now = Date.now();
  const expected = [now - 60_000, now].map((t) => kolkata.format(t));
  expect(expected).toContain(shown.trim().slice(11, 16));
});

test('the stop-list is kept on its own page, named in a review, and found by what Blocked SMS shows @nojs', async ({ page }) => {
  const owner = createOwner({ canAddSubaccount: false });
  await logIn(page, owner);
  await topUp(page, '10', '€10.00');
  await open(page, '/blocked');
  await page.getByRole('link', { name: 'Stop list' }).click();
  await expect(page.getByRole('heading', { name: 'Stop list' })).toBeVisible();
  await waitForHydration(page);
  await page.getByLabel('Phone number').fill('+44 7430 900555');
  await page.getByRole('button', { name: 'Add to stop list' }).click();
  await expect(page.getByRole('cell', { name: '+44 7430 900555' })).toBeVisible();

  await open(page, '/sending/bulk');
  await page.getByLabel('Sender name').selectOption('INFO');
  await page.getByLabel('Phone numbers').fill('+447430900555\n+447430900556');
  await page.getByLabel('Message').fill('Hello there');
  await page.getByRole('button', { name: 'Review' }).click();
  const review = page.getByRole('region', { name: 'Review' });
  await expect(review).toContainText('1 number(s) on your stop-list will not be sent to:');
  await expect(review).toContainText('+44 7430 900555');
  await page.getByRole('button', { name: 'Send campaign' }).click();
  await expect(page.getByRole('status').first()).toContainText('is on its way');

  await open(page, '/blocked?search=Stop+List');
  await expect(page.getByRole('cell', { name: '+447430900555' })).toBeVisible();

  await open(page, '/blocked/stop-list');
  await page.getByRole('button', { name: 'Actions for +44 7430 900555' }).click();
  await page.getByRole('button', { name: 'Remove from stop list' }).click();
  await expect(page.getByText('No numbers on the stop-list match.')).toBeVisible();
});

test('finance lists transactions newest first, filters them by date and exports them @nojs', async ({ page }) => {
  const owner = createOwner({ canAddSubaccount: false });
  await logIn(page, owner);
  await topUp(page, '10', '€10.00');
  await topUp(page, '25', '€25.00');
  await open(page, '/finance');
  const rows = page.getByRole('row').filter({ hasText: 'Card payment' });
  await expect(rows.first()).toContainText('€25.00');
  await expect(rows.nth(1)).toContainText('€10.00');
  await expect(rows.first()).toContainText('€35.00'); // the balance after it
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Export' }).click(),
  ]);
  const text = (await import('node:fs')).readFileSync((await download.path())!, 'utf8');
  expect(text.split('\n')[0]).toBe('"time_utc","type","description","amount_eur","balance_eur","by"');
  expect(text).toContain('"25.00","35.00"');

  await page.getByLabel('From').fill('2001-01-01');
  await page.getByLabel('To').fill('2001-12-31');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByText('No transactions in this period.')).toBeVisible();
});
