/** Shared steps of the browser tests: demo credentials, logging in, screenshots. */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
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
