import { expect, test, type Page } from '@playwright/test';
import { randomInt } from 'node:crypto';
import { cli, createOwner, logIn, open, topUp } from './support';

// The npm `smpp` package: an SMPP client we did not write.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const smpp = require('smpp');

interface Pdu {
  command_status: number;
  message_id?: string;
  esm_class: number;
  short_message: { message: string };
  receipted_message_id?: string;
  message_state?: number;
  source_addr: string;
  destination_addr: string;
  response(): unknown;
}

/** An SMPP session as promises; it answers every deliver_sm and keeps them. */
class SmppClient {
  private delivered: Pdu[] = [];
  private waiting: (() => void)[] = [];

  private constructor(private session: any) {
    session.on('deliver_sm', (pdu: Pdu) => {
      session.send(pdu.response());
      this.delivered.push(pdu);
      this.waiting.splice(0).forEach((wake) => wake());
    });
    session.on('error', () => {});
  }

  static connect(): Promise<SmppClient> {
    return new Promise((resolve) => {
      const session = smpp.connect({ url: `smpp://127.0.0.1:${process.env.E2E_SMPP_PORT}` }, () =>
        resolve(new SmppClient(session)));
    });
  }

  private call(command: string, fields: object): Promise<Pdu> {
    return new Promise((resolve) => this.session[command](fields, resolve));
  }

  bind(systemId: string, password: string): Promise<Pdu> {
    return this.call('bind_transceiver', { system_id: systemId, password });
  }

  async submit(fields: object): Promise<string> {
    const answer = await this.call('submit_sm', { source_addr: 'INFO', registered_delivery: 1, ...fields });
    expect(answer.command_status).toBe(0);
    return answer.message_id!;
  }

  /** Waits until a delivered PDU satisfies `wanted`. */
  async waitFor(wanted: (pdu: Pdu) => boolean, what: string): Promise<Pdu> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const found = this.delivered.find(wanted);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no ${what} within 20 s; got ${JSON.stringify(this.delivered.map((p) => p.short_message))}`);
      await new Promise<void>((wake) => {
        this.waiting.push(wake);
        setTimeout(wake, 500);
      });
    }
  }

  unbind(): Promise<Pdu> {
    return this.call('unbind', {});
  }

  close(): void {
    this.session.close();
  }
}

async function createCredentials(page: Page, networks: string): Promise<{ systemId: string; password: string }> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'SMPP' }).click();
  await expect(page.getByRole('heading', { name: 'SMPP', level: 1 })).toBeVisible();
  await page.getByLabel('Allowed client networks').fill(networks);
  await page.getByRole('button', { name: 'Create credentials' }).click();
  const password = page.getByLabel('New SMPP password');
  await expect(password).toHaveValue(/^[A-Za-z0-9]{8}$/);
  return { systemId: await page.getByLabel('System ID').inputValue(), password: await password.inputValue() };
}

const isReceipt = (pdu: Pdu) => (pdu.esm_class & 0x04) !== 0;

test('an SMPP client binds with credentials the owner made, sends long GSM-7 and UCS-2 messages, gets their receipts and a reply', async ({ page }) => {
  test.setTimeout(60_000);
  const owner = createOwner({ canAddSubaccount: false });
  await logIn(page, owner);
  await topUp(page, '10', '€10.00');
  const { systemId, password } = await createCredentials(page, '127.0.0.1');
  await expect(page.getByRole('cell', { name: systemId })).toBeVisible();

  const client = await SmppClient.connect();
  expect((await client.bind(systemId, password)).command_status).toBe(0);
  await open(page, '/settings/smpp');
  const binds = page.getByRole('region', { name: 'Active binds' });
  await expect(binds.getByRole('cell', { name: systemId })).toBeVisible();
  await expect(binds.getByRole('cell', { name: 'transceiver' })).toBeVisible();

  // A phone no other test writes to, so its reply comes to this account.
  const phone = `4474309${String(randomInt(0, 100_000)).padStart(5, '0')}`;
  // GSM-7, concatenated by the client: two parts with a user data header.
  const gsm = 'Your parcel is on its way: track it at example.com/t/12345 @ any time. '.repeat(3);
  const reference = randomInt(0, 256);
  const parts = [gsm.slice(0, 150), gsm.slice(150)];
  const gsmIds: string[] = [];
  for (const [n, part] of parts.entries()) {
    gsmIds.push(await client.submit({
      destination_addr: phone,
      data_coding: 0,
      short_message: { udh: Buffer.from([5, 0, 3, reference, parts.length, n + 1]), message: part },
    }));
  }
  // UCS-2, whole in message_payload.
  const ucs2 = 'Ваш заказ отправлен, спасибо за покупку! '.repeat(2);
  const ucs2Id = await client.submit({ destination_addr: phone, message_payload: ucs2 });

  for (const id of [...gsmIds, ucs2Id]) {
    const receipt = await client.waitFor((pdu) => isReceipt(pdu) && pdu.receipted_message_id === id, `receipt of ${id}`);
    expect(receipt.short_message.message).toMatch(new RegExp(`^id:${id} sub:001 dlvrd:00[01] submit date:\\d{10} done date:\\d{10} stat:(DELIVRD|UNDELIV) err:\\d{3} text:`));
    expect([2, 5]).toContain(receipt.message_state);
    expect(receipt.source_addr).toBe(phone);
  }

  // The phone answers: the reply comes over the same bind.
  cli(['carrier', 'inbound', '--to', 'INFO', '--from', `+${phone}`, '--text', 'Got it — спасибо!']);
  const reply = await client.waitFor((pdu) => !isReceipt(pdu), 'reply');
  expect(reply.short_message.message).toBe('Got it — спасибо!');
  expect(reply.source_addr).toBe(phone);

  expect((await client.unbind()).command_status).toBe(0);
  client.close();

  // In Analytics, as sent over SMPP: each GSM-7 part a message, the
  // payload one message of two parts.
  await open(page, '/analytics/details?sent_by=smpp');
  await expect(page.getByText('3 messages', { exact: true })).toBeVisible();
  const payloadRow = page.getByRole('row').filter({ hasText: 'Ваш заказ' });
  await expect(payloadRow.getByRole('cell', { name: '2', exact: true })).toBeVisible();
  await expect(page.getByRole('row').filter({ hasText: `+${phone}` })).toHaveCount(3);
});

test('revoked credentials bind no more, and a wrong network is named next to its field @nojs', async ({ page }) => {
  const owner = createOwner({ canAddSubaccount: false });
  await logIn(page, owner);
  await open(page, '/settings/smpp');
  await page.getByLabel('Allowed client networks').fill('10.0.0.0/33');
  await page.getByRole('button', { name: 'Create credentials' }).click();
  await expect(page.getByText('“10.0.0.0/33” is not a network')).toBeVisible();
  await expect(page.getByLabel('Allowed client networks')).toHaveValue('10.0.0.0/33');
  await expect(page.getByLabel('New SMPP password')).toHaveCount(0);

  await page.getByLabel('Allowed client networks').fill('');
  await page.getByRole('button', { name: 'Create credentials' }).click();
  const systemId = await page.getByLabel('System ID').inputValue();
  const password = await page.getByLabel('New SMPP password').inputValue();
  // Shown once.
  await open(page, '/settings/smpp');
  await expect(page.getByLabel('New SMPP password')).toHaveCount(0);
  await expect(page.getByRole('cell', { name: 'Any address' })).toBeVisible();

  await page.getByRole('button', { name: `Actions for ${systemId}` }).click();
  await page.getByRole('button', { name: `Revoke ${systemId}` }).click();
  await expect(page.getByRole('status')).toContainText('revoked');
  const client = await SmppClient.connect();
  const refused = await client.bind(systemId, password);
  expect(refused.command_status).toBe(0x0f); // ESME_RINVSYSID
  client.close();
});
