import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { TestBrowser } from './browser.ts';
import { demoAccount, logIn, screenshot, useBrowserSession } from './helpers.ts';
import type { RunningServer } from './server.ts';

const CALENDAR = 'vn-civil-service';

describe('administrator pages in the browser', () => {
  let server: RunningServer;
  let browser: TestBrowser;
  let page: Page;

  useBrowserSession(async (session) => {
    ({ server, browser, page } = session);
    await logIn(page, server.baseUrl, demoAccount('admin'));
  });

  /** Opens the notice form of `year` on the national calendar, through the year picker. */
  async function openYear(year: number): Promise<void> {
    await page.goto(`${server.baseUrl}/#/calendars`);
    await page.click(`#calendars tr[data-calendar="${CALENDAR}"] a`);
    await page.waitForSelector('#calendar-year');
    await page.fill('#calendar-year', String(year));
    await page.click('#calendar-year-form button[type=submit]');
    await page.waitForFunction((y) => document.querySelector('#notice-form h2')?.textContent?.includes(String(y)), year);
  }

  /** Adds a row to the notice's days: a day off with its reason. */
  async function addDayOff(date: string, reason: string): Promise<void> {
    await page.click('#notice-days-add');
    const row = page.locator('#notice-days tbody tr').last();
    await row.locator('input[type=date]').fill(date);
    await row.locator('input[aria-label="Lý do"]').fill(reason);
  }

  it('should land the administrator on the users page with the calendar and user pages in the navigation', async () => {
    await page.waitForSelector('#users');
    expect(page.url()).toMatch(/#\/users$/);
    expect(await page.textContent('#nav a[href="#/calendars"]')).toBe('Lịch làm việc');
    expect(await page.textContent('#nav a[href="#/users"]')).toBe('Người dùng & đơn vị');
  });

  it('should list the 2026 Tết days of the national calendar with the notice that set them', async () => {
    // when
    await openYear(2026);
    // then each Tết day off is listed as a holiday with the notice number
    for (const date of ['2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20']) {
      const row = (await page.textContent(`#calendar-days tr[data-date="${date}"]`)) ?? '';
      expect(row).toContain('Tết Nguyên đán');
      expect(row).toContain('9441/TB-BNV');
      expect(row).toContain('Nghỉ lễ, Tết');
    }
    expect(await page.textContent('#calendar-days tr[data-date="2026-02-16"] td')).toBe('16/02/2026');
    // and the worked Saturday of the swap, and the office hours of a week
    expect(await page.textContent('#calendar-days tr[data-date="2026-08-22"]')).toContain('Làm bù (hoán đổi)');
    expect(await page.textContent('#weekly-hours tr[data-weekday="mon"]')).toContain('07:30–11:30, 13:00–17:00');
    expect(await page.textContent('#weekly-hours tr[data-weekday="sun"]')).toContain('Nghỉ');
    await screenshot(page, 'admin-1-calendar-2026');
  });

  it('should refuse a day of another year next to the notice form, in Vietnamese', async () => {
    // given the 2027 notice form
    await openYear(2027);
    await page.fill('#notice-number', '1/TB-BNV');
    await addDayOff('2028-01-05', 'Nhập nhầm năm');
    // when
    await page.click('#notice-form button[type=submit]');
    // then the refusal sits under the form with its Vietnamese title and nothing is previewed
    const problem = page.locator('#notice-preview .problem');
    await problem.waitFor();
    expect(await problem.getAttribute('data-code')).toBe('DEADLINE_CALENDAR');
    const text = (await problem.textContent()) ?? '';
    expect(text).toContain('Lịch làm việc không hợp lệ, chưa có gì được thay đổi');
    expect(text).toContain('Ngày không thuộc năm của thông báo');
    expect(text).not.toMatch(/\bat \S+:\d+/);
    expect(await page.locator('#calendar-confirm').count()).toBe(0);
  });

  it('should preview a new day off for 2027, save it on confirmation and list it after a reload', async () => {
    // given the 2027 notice form with one day off
    await openYear(2027);
    await page.fill('#notice-number', '1234/TB-BNV');
    await page.fill('#notice-issuer', 'Bộ Nội vụ');
    await addDayOff('2027-03-05', 'Nghỉ theo thông báo thử nghiệm');
    // when previewed
    await page.click('#notice-form button[type=submit]');
    // then the preview names the day and how many open dossiers would move, and nothing is stored yet
    await page.waitForSelector('#calendar-preview');
    expect(await page.textContent('#preview-days li[data-date="2027-03-05"]')).toContain('Thêm 05/03/2027');
    expect(await page.textContent('#preview-cases')).toMatch(/hồ sơ đang mở/);
    expect(await page.locator('#calendar-days tr[data-date="2027-03-05"]').count()).toBe(0);
    await screenshot(page, 'admin-2-notice-preview');
    // when confirmed
    await page.click('#calendar-confirm');
    await page.waitForSelector('#calendar-days tr[data-date="2027-03-05"]');
    expect(await page.textContent('#message')).toContain('Đã lưu lịch vn-civil-service');
    // then after a reload the day is listed with its reason and notice, and the form holds the notice
    await page.reload();
    const row = page.locator('#calendar-days tr[data-date="2027-03-05"]');
    await row.waitFor();
    expect(await row.textContent()).toContain('Nghỉ theo thông báo thử nghiệm');
    expect(await row.textContent()).toContain('1234/TB-BNV');
    expect(await page.inputValue('#notice-number')).toBe('1234/TB-BNV');
    expect(await page.locator('#notice-days tbody tr').count()).toBe(1);
  });

  it('should create a unit calendar that works Saturday mornings', async () => {
    // given
    await page.goto(`${server.baseUrl}/#/calendars`);
    await page.fill('#calendar-name', 'cb-ttpvhcc-thu-bay');
    await page.fill('#calendar-display-name', 'Một cửa Cao Bằng làm sáng thứ Bảy');
    await page.selectOption('#calendar-base', CALENDAR);
    // when created (previewed, then confirmed)
    await page.click('#calendar-create button[type=submit]');
    await page.click('#calendar-confirm');
    await page.waitForSelector('#weekly-form');
    // and its Saturday hours set
    await page.selectOption('#weekly-sat-mode', 'own');
    await page.fill('#weekly-sat-hours', '07:30-11:30');
    await page.click('#weekly-form button[type=submit]');
    expect(await page.textContent('#weekly-preview #preview-days')).toContain('Thứ Bảy: Nghỉ → 07:30–11:30');
    await page.click('#calendar-confirm');
    // then the week shows it and the national holidays are inherited
    await page.waitForFunction(() => document.querySelector('#weekly-hours tr[data-weekday="sat"]')?.textContent?.includes('07:30–11:30'));
    expect(await page.textContent('#calendar-summary')).toContain('kế thừa vn-civil-service');
    await page.goto(`${server.baseUrl}/#/calendars`);
    await page.waitForSelector('#calendars tr[data-calendar="cb-ttpvhcc-thu-bay"]');
  });

  it('should create a user with a role in a unit and list them', async () => {
    // given
    await page.goto(`${server.baseUrl}/#/users`);
    await page.fill('#user-username', 'cb-syt.canbo2');
    await page.fill('#user-display-name', 'Bùi Thị Hương Giang');
    await page.fill('#user-password', 'matkhau-2027');
    await page.selectOption('#user-roles-role', 'officer');
    await page.selectOption('#user-roles-unit', 'CB-SYT-BTXH');
    await page.click('#user-roles-add');
    // when
    await page.click('#user-create button[type=submit]');
    // then
    const row = page.locator('#users tr[data-username="cb-syt.canbo2"]');
    await row.waitFor();
    const text = (await row.textContent()) ?? '';
    expect(text).toContain('Bùi Thị Hương Giang');
    expect(text).toContain('Cán bộ xử lý @ CB-SYT-BTXH');
    expect(text).toContain('Đang hoạt động');
    await screenshot(page, 'admin-3-users');
  });

  it('should refuse a taken username next to the form, in Vietnamese', async () => {
    await page.goto(`${server.baseUrl}/#/users`);
    await page.fill('#user-username', 'motcua');
    await page.fill('#user-display-name', 'Trùng tên');
    await page.fill('#user-password', 'matkhau-2027');
    await page.click('#user-create button[type=submit]');
    const problem = page.locator('#user-create .problem');
    await problem.waitFor();
    expect(await problem.getAttribute('data-code')).toBe('CONFLICT');
    expect(await problem.textContent()).toContain('Trùng với dữ liệu đã có');
  });

  it('should show a new API token once and revoke it', async () => {
    // given the new user's page
    await page.goto(`${server.baseUrl}/#/users`);
    await page.click('#users tr[data-username="cb-syt.canbo2"] a');
    await page.waitForSelector('#token-create');
    // when a token is created
    await page.fill('#token-name', 'Cổng dịch vụ công tỉnh');
    await page.click('#token-create button[type=submit]');
    // then its value is shown with the hint to copy it now
    await page.waitForSelector('#token-created');
    const token = await page.inputValue('#token-value');
    expect(token.length).toBeGreaterThan(20);
    expect(await page.textContent('#token-created')).toContain('chỉ hiển thị một lần');
    const row = page.locator('#token-list tbody tr').filter({ hasText: 'Cổng dịch vụ công tỉnh' });
    expect(await row.textContent()).toContain('Đang dùng');
    // and it works as a bearer token
    expect((await page.request.get(`${server.baseUrl}/api/inbox`, { headers: { authorization: `Bearer ${token}` } })).status()).toBe(200);
    await screenshot(page, 'admin-4-token');
    // but it is not shown again once the page is left
    await page.reload();
    await row.waitFor();
    expect(await page.locator('#token-created').count()).toBe(0);
    expect(await page.content()).not.toContain(token);
    // when revoked
    await row.locator('button.revoke').click();
    // then it is listed as revoked and refused
    await page.waitForFunction(() => document.querySelector('#token-list tbody tr')?.textContent?.includes('Đã thu hồi'));
    expect(await row.locator('button.revoke').count()).toBe(0);
    expect((await page.request.get(`${server.baseUrl}/api/inbox`, { headers: { authorization: `Bearer ${token}` } })).status()).toBe(401);
  });

  it('should change a user\u2019s roles and lock the account', async () => {
    // given
    await page.goto(`${server.baseUrl}/#/users`);
    await page.click('#users tr[data-username="cb-syt.canbo2"] a');
    await page.waitForSelector('#account-form');
    // when the officer role is replaced by unit head and the account locked
    await page.click('#account-roles-list li[data-role="officer"] button.remove');
    await page.selectOption('#account-roles-role', 'unitHead');
    await page.selectOption('#account-roles-unit', 'CB-SYT-BTXH');
    await page.click('#account-roles-add');
    await page.uncheck('#account-active');
    await page.click('#account-form button[type=submit]');
    await page.waitForFunction(() => document.querySelector('#message')?.textContent?.includes('Đã lưu tài khoản'));
    // then the list shows it
    await page.goto(`${server.baseUrl}/#/users`);
    const row = page.locator('#users tr[data-username="cb-syt.canbo2"]');
    await row.waitFor();
    expect(await row.textContent()).toContain('Lãnh đạo đơn vị @ CB-SYT-BTXH');
    expect(await row.textContent()).not.toContain('Cán bộ xử lý');
    expect(await row.textContent()).toContain('Đã khoá');
  });

  it('should create a unit and list it', async () => {
    await page.goto(`${server.baseUrl}/#/users`);
    await page.fill('#unit-code', 'CB-SYT-NVY');
    await page.fill('#unit-name', 'Phòng Nghiệp vụ Y, Sở Y tế');
    await page.selectOption('#unit-parent', 'CB-SYT');
    await page.click('#unit-create button[type=submit]');
    const row = page.locator('#units tr[data-unit="CB-SYT-NVY"]');
    await row.waitFor();
    expect(await row.textContent()).toContain('Sở Y tế tỉnh Cao Bằng');
  });

  it('should keep the administrator pages away from an officer', async () => {
    // given the desk officer
    await logIn(page, server.baseUrl, demoAccount('officer', 'CB-TTPVHCC'));
    await page.waitForSelector('#receive-form');
    // then neither entry is in the navigation, and the address sends them back to their inbox
    expect(await page.locator('#nav a[href="#/calendars"]').count()).toBe(0);
    expect(await page.locator('#nav a[href="#/users"]').count()).toBe(0);
    await page.goto(`${server.baseUrl}/#/calendars`);
    await page.waitForURL(/#\/inbox$/);
    await page.goto(`${server.baseUrl}/#/users`);
    await page.waitForURL(/#\/inbox$/);
    // and no page raised a script error on the way (the refusals above are answers, not errors)
    expect(browser.errors.filter((e) => !/status of 4\d\d/.test(e))).toEqual([]);
  });
});
