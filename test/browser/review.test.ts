import { describe, expect, it } from 'vitest';
import type { APIRequestContext, Page } from 'playwright-core';
import { demoAccount, logIn, screenshot, useBrowserSession } from './helpers.ts';
import type { RunningServer } from './server.ts';

/** Logs `role@unit` in over HTTP (sharing the browser's cookie jar) and returns its CSRF token. */
async function apiLogin(request: APIRequestContext, baseUrl: string, role: string, unitId?: string): Promise<string> {
  const account = demoAccount(role, unitId);
  const response = await request.post(`${baseUrl}/api/auth/login`, { data: { username: account.username, password: account.password } });
  expect(response.status()).toBe(200);
  return ((await response.json()) as { csrfToken: string }).csrfToken;
}

describe('reviewer statistics in the browser', () => {
  let server: RunningServer;
  let page: Page;

  useBrowserSession((session) => {
    ({ server, page } = session);
  });

  it('should show per-step figures and a heatmap for a finished case', async () => {
    // given a thin-slice case taken through its three steps over HTTP by their three owners
    const request = page.request;
    let csrf = await apiLogin(request, server.baseUrl, 'officer', 'CB-TTPVHCC');
    const received = await request.post(`${server.baseUrl}/api/cases`, {
      headers: { 'x-csrf-token': csrf },
      data: { processId: 'thin-slice', applicant: { name: 'Lê Văn Thành' }, channel: 'desk', unitId: 'CB-TTPVHCC' },
    });
    expect(received.status()).toBe(201);
    let detail = (await received.json()) as { id: string; caseVersion: number; openSteps: { stepKey: string }[] };
    const owners: [string, string][] = [['officer', 'CB-TTPVHCC'], ['officer', 'CB-SYT-BTXH'], ['unitHead', 'CB-SYT']];
    for (const [role, unitId] of owners) {
      csrf = await apiLogin(request, server.baseUrl, role, unitId);
      const step = detail.openSteps[0]!;
      const done = await request.post(`${server.baseUrl}/api/cases/${detail.id}/steps/${step.stepKey}/complete`, { headers: { 'x-csrf-token': csrf }, data: { caseVersion: detail.caseVersion } });
      expect(done.status(), await done.text()).toBe(200);
      detail = await done.json();
    }
    expect(detail.openSteps).toEqual([]);
    await request.post(`${server.baseUrl}/api/auth/logout`, { headers: { 'x-csrf-token': csrf } });

    // when the reviewer opens the statistics of the procedure
    await logIn(page, server.baseUrl, demoAccount('reviewer'));
    expect(page.url()).toMatch(/#\/review$/);
    await page.goto(`${server.baseUrl}/#/review/thin-slice`);
    await page.waitForSelector('#step-statistics');

    // then each of the three steps has one visit, and the diagram carries a heat overlay per step
    const rows = await page.locator('#step-statistics tbody tr').allTextContents();
    expect(rows).toHaveLength(3);
    expect(rows.join('\n')).toContain('Phê duyệt kết quả giải quyết TTHC');
    for (const elementId of ['Task_Receive', 'Task_Handle', 'Task_Approve']) {
      expect(await page.locator(`.qt-heat[data-element-id="${elementId}"]`).count()).toBe(1);
    }
    expect(await page.getAttribute('#export-csv', 'href')).toMatch(/^blob:/);
    await screenshot(page, 'review-heatmap');
  });
});
