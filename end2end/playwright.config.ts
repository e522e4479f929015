import { defineConfig, devices } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

// The suite starts its own server on a free port with a fresh database, so
// runs never share state with a developer's server or with each other.
// Values are fixed here, in the runner process, and inherited by the workers.
if (!process.env.E2E_DATABASE_URL) {
  const dir = mkdtempSync(path.join(tmpdir(), 'sms-portal-e2e-'));
  process.env.E2E_DATABASE_URL = `sqlite://${dir}/e2e.db`;
}
process.env.E2E_PORT ??= String(20000 + (process.pid % 20000));
process.env.E2E_SMPP_PORT ??= String(Number(process.env.E2E_PORT) + 1);
process.env.E2E_BINARY ??= path.resolve(__dirname, '../target/debug/sms-portal');

const baseURL = `http://127.0.0.1:${process.env.E2E_PORT}`;

const chromium = {
  ...devices['Desktop Chrome'],
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  },
};

export default defineConfig({
  testDir: './tests',
  fullyParallel: true,
  workers: 2,
  retries: 0,
  reporter: 'list',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  use: { baseURL, trace: 'off' },
  projects: [
    { name: 'hydrated', grepInvert: /@nojs-only/, use: { ...chromium } },
    // Progressive enhancement: forms must work before and without wasm.
    { name: 'no-js', grep: /@nojs/, use: { ...chromium, javaScriptEnabled: false } },
  ],
  webServer: {
    command: `"${process.env.E2E_BINARY}"`,
    url: `${baseURL}/login`,
    reuseExistingServer: false,
    timeout: 60_000,
    env: {
      DATABASE_URL: process.env.E2E_DATABASE_URL!,
      LEPTOS_SITE_ADDR: `127.0.0.1:${process.env.E2E_PORT}`,
      LEPTOS_OUTPUT_NAME: 'sms-portal',
      LEPTOS_SITE_ROOT: path.resolve(__dirname, '../target/site'),
      RUST_LOG: 'warn',
      // Every test logs in from 127.0.0.1: a far higher per-address allowance.
      SMS_PORTAL_LOGIN_PER_MINUTE: '1000',
      // The webhook test's receiver listens on 127.0.0.1.
      SMS_PORTAL_WEBHOOK_ALLOW_PRIVATE: '1',
      SMS_PORTAL_SMPP_ADDR: `127.0.0.1:${process.env.E2E_SMPP_PORT}`,
    },
  },
});
