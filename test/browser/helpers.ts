/** Shared steps of the browser tests: demo credentials, logging in, screenshots. */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchBrowser, type TestBrowser } from './browser.ts';
import { startServer, type RunningServer } from './server.ts';
import { DEMO_ACCOUNTS, type DemoAccount } from '../../server/auth/demo.ts';

export const SCREENSHOTS = join(import.meta.dirname, '..', '..', 'test-results', 'browser');

/** The demo account holding `role` (in `unitId` when given), as the server creates it. */
export function demoAccount(role: string, unitId?: string): DemoAccount {
  const account = DEMO_ACCOUNTS.find((a) => a.roles.some((r) => r.role === role && (unitId === undefined || r.unitId === unitId)));
  if (!account) throw new Error(`no demo account with role ${role}${unitId ? ` in ${unitId}` : ''}`);
  return account;
}

/** Logs in through the form and waits until the landing page replaced it. */
export async function logIn(page: Page, baseUrl: string, account: DemoAccount): Promise<void> {
  await page.goto(`${baseUrl}/#/login`);
  await page.fill('#login-username', account.username);
  await page.fill('#login-password', account.password);
  await page.click('#login-form button[type=submit]');
  await page.waitForSelector('#login-form', { state: 'detached' });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** The real server and one Chromium page, shared by the tests of a describe block. */
export interface BrowserSession {
  readonly server: RunningServer;
  readonly browser: TestBrowser;
  readonly page: Page;
}

/**
 * Starts the server and the browser before the block's tests (then runs `ready`, e.g. to log
 * in) and stops both after them.
 * @example useBrowserSession(async (s) => { ({ server, page } = s); await logIn(page, server.baseUrl, demoAccount('designer')); });
 */
export function useBrowserSession(ready: (session: BrowserSession) => void | Promise<void>): void {
  let server: RunningServer | undefined;
  let browser: TestBrowser | undefined;
  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    await ready({ server, browser, page: await browser.newPage() });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });
}
