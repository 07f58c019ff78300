import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { demoAccount, logIn, screenshot, useBrowserSession } from './helpers.ts';
import type { RunningServer } from './server.ts';

describe('vietnamese text in the browser', () => {
  let server: RunningServer;
  let page: Page;

  useBrowserSession((session) => {
    ({ server, page } = session);
  });

  it('should serve a vietnamese utf-8 page shell', async () => {
    const response = await page.goto(`${server.baseUrl}/#/login`);
    expect(response?.headers()['content-type']).toMatch(/text\/html/);
    expect(await page.getAttribute('html', 'lang')).toBe('vi');
    expect(await page.evaluate(() => document.characterSet)).toBe('UTF-8');
    expect(await page.textContent('#login-form h1')).toBe('Đăng nhập hệ thống');
  });

  it('should show names with diacritics from the server unchanged', async () => {
    // given a demo account whose display name carries Vietnamese diacritics
    const officer = demoAccount('officer', 'CB-TTPVHCC');
    expect(officer.displayName).toMatch(/[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]/i);
    // when
    await logIn(page, server.baseUrl, officer);
    await page.goto(`${server.baseUrl}/#/procedures`);
    await page.waitForSelector('#procedures');
    // then the text is the same code points (NFC), not mojibake
    const who = (await page.textContent('#who')) ?? '';
    expect(who).toContain(officer.displayName);
    expect(who.normalize('NFC')).toBe(who);
    const table = (await page.textContent('#procedures')) ?? '';
    expect(table).toContain('Lát mỏng: tiếp nhận → thụ lý → phê duyệt');
    expect(table).not.toMatch(/Ã|Â»|Æ°|\uFFFD/);
  });

  it('should render vietnamese labels inside the diagram', async () => {
    // given the reviewer, whose page draws the procedure's diagram
    await logIn(page, server.baseUrl, demoAccount('reviewer'));
    // when
    await page.goto(`${server.baseUrl}/#/review/thin-slice`);
    await page.waitForSelector('#review-diagram .djs-element[data-element-id="Task_Approve"]');
    const label = await page.locator('#review-diagram .djs-element[data-element-id="Task_Approve"] text').allTextContents();
    expect(label.join(' ')).toContain('Phê duyệt');
    // glyphs are drawn with real width: a string of diacritics is not rendered as zero-width boxes
    const width = await page.evaluate(() => {
      const probe = document.createElement('span');
      probe.textContent = 'Đường Nguyễn Trãi, phường Hợp Giang';
      document.body.append(probe);
      const w = probe.getBoundingClientRect().width;
      probe.remove();
      return w;
    });
    expect(width).toBeGreaterThan(100);
    await screenshot(page, 'vietnamese-diagram-labels');
  });
});
