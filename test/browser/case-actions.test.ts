import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { demoAccount, logIn, screenshot, useBrowserSession } from './helpers.ts';
import type { RunningServer } from './server.ts';

describe('case-level actions in the browser', () => {
  let server: RunningServer;
  let page: Page;
  let caseId = '';

  useBrowserSession(async (session) => {
    ({ server, page } = session);
    await logIn(page, server.baseUrl, demoAccount('officer', 'CB-TTPVHCC'));
    await page.selectOption('#receive-procedure', 'thin-slice');
    await page.fill('#receive-name', 'Đặng Thị Ngọc Ánh');
    await page.click('#receive-form button[type=submit]');
    await page.waitForSelector('#case-diagram .djs-element.qt-active');
    caseId = decodeURIComponent(page.url().split('#/cases/')[1] ?? '');
  });

  it('should request a supplement, stop the clock and offer the supplement form', async () => {
    // when the officer asks the applicant for a missing document
    await page.click('details.case-level summary');
    await page.fill('#case-action-reason', 'Thiếu bản sao Giấy chứng nhận đăng ký doanh nghiệp');
    await page.click('details.case-level button[data-action="supplementRequest"]');
    // then the case waits for the applicant with its clock stopped
    await page.waitForFunction(() => document.querySelector('#case-status')?.textContent === 'Yêu cầu bổ sung giấy tờ');
    expect(await page.textContent('#case-summary')).toContain('Tạm dừng chờ bổ sung');
    expect(await page.locator('#case-documents a[data-form="supplement"]').count()).toBe(1);
    expect(await page.locator('#history tr[data-type="supplement.requested"]').textContent()).toContain('Thiếu bản sao');
    await screenshot(page, 'case-actions-1-supplement');
  });

  it('should record the resubmission and resume processing', async () => {
    await page.click('details.case-level summary');
    await page.click('details.case-level button[data-action="resubmission"]');
    await page.waitForFunction(() => document.querySelector('#case-status')?.textContent !== 'Yêu cầu bổ sung giấy tờ');
    expect(await page.textContent('#case-summary')).not.toContain('Tạm dừng chờ bổ sung');
    expect(await page.locator('#history tr[data-type="supplement.received"]').count()).toBe(1);
  });

  it('should find the case by the applicant name in the case search', async () => {
    // when
    await page.goto(`${server.baseUrl}/#/cases`);
    await page.waitForSelector('#cases-filter');
    await page.fill('#cases-q', 'Đặng Thị Ngọc Ánh');
    await page.click('#cases-filter button[type=submit]');
    // then only cases of that applicant are listed (the unfiltered list shown before holds the
    // seeded demo history too, so wait for the filtered one), this case among them with its status in words
    await page.waitForFunction((name) => {
      const rows = [...document.querySelectorAll('#cases tbody tr')];
      return rows.length > 0 && rows.every((r) => r.textContent?.includes(name));
    }, 'Đặng Thị Ngọc Ánh');
    const row = page.locator(`#cases tbody tr[data-case-id="${caseId}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('Đang xử lý');
    await page.fill('#cases-q', 'không có ai tên này');
    await page.click('#cases-filter button[type=submit]');
    await page.waitForSelector('#cases-results p.muted');
    await screenshot(page, 'case-actions-2-search');
  });
});
