import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { TestBrowser } from './browser.ts';
import { demoAccount, logIn, screenshot, useBrowserSession } from './helpers.ts';
import type { RunningServer } from './server.ts';

const PROCEDURE = 'thin-slice';

describe('thin slice in the browser', () => {
  let server: RunningServer;
  let browser: TestBrowser;
  let page: Page;
  let caseCode = '';

  useBrowserSession((session) => {
    ({ server, browser, page } = session);
  });

  it('should log the desk officer in and land on the inbox', async () => {
    // given the demo officer of the one-stop desk
    const officer = demoAccount('officer', 'CB-TTPVHCC');
    // when
    await logIn(page, server.baseUrl, officer);
    // then
    await page.waitForSelector('#receive-form');
    expect(page.url()).toMatch(/#\/inbox$/);
    expect(await page.textContent('#who')).toContain(officer.displayName);
    // and the designer, which is not theirs, sends them back to their inbox
    await page.goto(`${server.baseUrl}/#/designer`);
    await page.waitForURL(/#\/inbox$/);
    expect(await page.locator('#nav a[href="#/designer"]').count()).toBe(0);
  });

  it('should list the deployed thin-slice procedure', async () => {
    await page.goto(`${server.baseUrl}/#/procedures`);
    const row = page.locator(`#procedures tr[data-process-id="${PROCEDURE}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('Lát mỏng');
    await screenshot(page, 'thin-slice-1-procedures');
  });

  it('should receive a dossier and open its case page with the first step highlighted', async () => {
    // given
    await page.goto(`${server.baseUrl}/#/inbox`);
    await page.waitForSelector('#receive-form');
    // when
    await page.selectOption('#receive-procedure', PROCEDURE);
    await page.fill('#receive-name', 'Nguyễn Thị Thu Hằng');
    await page.fill('#receive-id-number', '001190012345');
    await page.click('#receive-form button[type=submit]');
    // then the case page shows the diagram with the receipt step active
    await page.waitForSelector('#case-diagram .djs-element.qt-active[data-element-id="Task_Receive"]');
    caseCode = (await page.textContent('#case-code')) ?? '';
    expect(caseCode).not.toBe('');
    expect(await page.textContent('#case-summary')).toContain('Nguyễn Thị Thu Hằng');
    expect(await page.locator('#case-diagram .djs-element.qt-active').count()).toBe(1);
    await screenshot(page, 'thin-slice-2-case-received');
    // and its receipt slip is one click away, printed with the applicant's name
    const receipt = await page.request.get(new URL((await page.getAttribute('#case-documents a[data-form="receipt"]', 'href'))!, server.baseUrl).href);
    expect(receipt.status()).toBe(200);
    expect(await receipt.text()).toContain('Nguyễn Thị Thu Hằng');
  });

  it('should show the new case in the inbox', async () => {
    await page.goto(`${server.baseUrl}/#/inbox`);
    const row = page.locator('#inbox tbody tr', { hasText: caseCode });
    await row.waitFor();
    expect(await row.getAttribute('data-step')).toBe('Task_Receive');
    expect(await row.locator('.badge').textContent()).not.toBe('—');
    await screenshot(page, 'thin-slice-3-inbox');
  });

  it('should complete the first step from the case page and show the next step', async () => {
    // given
    await page.locator('#inbox tbody tr', { hasText: caseCode }).locator('a').click();
    await page.waitForSelector('#case-actions .step-action[data-step="Task_Receive"] button');
    // when
    await page.click('#case-actions .step-action[data-step="Task_Receive"] button');
    // then the handling step is active, the receipt step is done and the history says so
    await page.waitForSelector('#case-diagram .djs-element.qt-active[data-element-id="Task_Handle"]');
    expect(await page.locator('#case-diagram .djs-element.qt-done[data-element-id="Task_Receive"]').count()).toBe(1);
    expect(await page.locator('#history tr[data-type="step.completed"]').count()).toBeGreaterThanOrEqual(1);
    await screenshot(page, 'thin-slice-4-next-step');
    expect(browser.errors.filter((e) => !/status of 40[139]/.test(e))).toEqual([]);
  });

  it('should let the specialist and the leader finish the case from their inboxes', async () => {
    // given the next owners log in in turn (logging out first so the login form shows)
    const owners: [string, string, string][] = [['officer', 'CB-SYT-BTXH', 'Task_Handle'], ['unitHead', 'CB-SYT', 'Task_Approve']];
    for (const [role, unitId, elementId] of owners) {
      await page.click('#who button');
      await page.waitForSelector('#login-form');
      await logIn(page, server.baseUrl, demoAccount(role, unitId));
      // when each opens the case from the inbox and completes their step
      const row = page.locator('#inbox tbody tr', { hasText: caseCode });
      await row.waitFor();
      expect(await row.getAttribute('data-step')).toBe(elementId);
      await row.locator('a').click();
      await page.click(`#case-actions .step-action[data-step="${elementId}"] button[data-outcome]`);
      await page.waitForSelector(`#case-diagram .djs-element.qt-done[data-element-id="${elementId}"]`);
    }
    // then the case has ended: no step is active, all three are done and the status says processed
    await page.waitForSelector('#no-actions');
    expect(await page.locator('#case-diagram .djs-element.qt-active').count()).toBe(0);
    for (const elementId of ['Task_Receive', 'Task_Handle', 'Task_Approve', 'End_Approved']) {
      expect(await page.locator(`#case-diagram .djs-element.qt-done[data-element-id="${elementId}"]`).count(), elementId).toBe(1);
    }
    expect(await page.textContent('#case-status')).toBe('Đã xử lý xong');
    await screenshot(page, 'thin-slice-5-ended');
  });
});
