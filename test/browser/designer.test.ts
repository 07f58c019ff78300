import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { demoAccount, logIn, screenshot, useBrowserSession } from './helpers.ts';
import type { RunningServer } from './server.ts';

const UNREACHABLE_FIXTURE = join(import.meta.dirname, 'fixtures', 'unreachable-step.bpmn');

describe('designer in the browser', () => {
  let server: RunningServer;
  let page: Page;

  useBrowserSession(async (session) => {
    ({ server, page } = session);
    await logIn(page, server.baseUrl, demoAccount('designer'));
  });

  it('should land the designer on the modeler', async () => {
    await page.waitForSelector('#designer-canvas .djs-palette');
    expect(page.url()).toMatch(/#\/designer$/);
  });

  it('should show the norm of a step in the qt properties group', async () => {
    // given the deployed thin-slice procedure opened in the designer
    await page.goto(`${server.baseUrl}/#/designer/thin-slice`);
    await page.waitForSelector('#designer-canvas .djs-element[data-element-id="Task_Handle"]');
    // when the handling step is selected
    await page.click('#designer-canvas .djs-element[data-element-id="Task_Handle"]');
    // then the group shows its published norm: 7 working days
    const norm = page.locator('#bio-properties-panel-qt-norm');
    await norm.waitFor();
    expect(await page.locator('.bio-properties-panel-group-header', { hasText: 'Quy trình (qt)' }).count()).toBe(1);
    expect(await norm.inputValue()).toBe('7');
    expect(await page.locator('#bio-properties-panel-qt-normUnit').inputValue()).toBe('workingDays');
    // and the design-time plan gives every step a due date and the procedure an appointment
    await page.waitForSelector('#plan .appointment');
    expect(await page.locator('#plan .plan-steps tbody tr').count()).toBe(3);
    expect(await page.locator('.qt-plan-badge[data-element-id="Task_Handle"]').textContent()).toMatch(/^hạn \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/);
    await screenshot(page, 'designer-1-qt-properties');
  });

  it('should write an edited norm into the diagram XML', async () => {
    // when
    await page.fill('#bio-properties-panel-qt-norm', '3');
    await page.waitForTimeout(600); // the panel debounces input
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    const xml = await readFile((await download.path())!, 'utf8');
    // then
    expect(xml).toMatch(/id="Task_Handle"[^>]*qt:norm="3"/);
  });

  it('should deploy the edited procedure as a new version', async () => {
    // when
    await page.click('#deploy');
    // then
    await page.waitForSelector('#message.info');
    expect(await page.textContent('#message')).toContain('Đã triển khai thin-slice phiên bản 2');
    await page.goto(`${server.baseUrl}/#/procedures`);
    await page.waitForSelector('#procedures tr[data-process-id="thin-slice"] .tag');
    const versions = await page.locator('#procedures tr[data-process-id="thin-slice"] .tag').allTextContents();
    expect(versions).toEqual(expect.arrayContaining(['v1', 'v2']));
    await page.goto(`${server.baseUrl}/#/designer/thin-slice`);
    await page.waitForSelector('#designer-canvas .djs-element[data-element-id="Task_Handle"]');
  });

  it('should draw a diagnostic overlay on an unreachable step', async () => {
    // when an invalid diagram is opened
    await page.setInputFiles('#open-file', UNREACHABLE_FIXTURE);
    // then the live (in-browser) check names the element on the canvas and in the list
    const badge = page.locator('.qt-diag-badge[data-element-id="Task_Orphan"]');
    await badge.waitFor();
    expect(await badge.textContent()).toContain('UNREACHABLE');
    expect(await page.locator('.djs-element.qt-diag-error[data-element-id="Task_Orphan"]').count()).toBe(1);
    const listed = await page.locator('#diagnostics-table tr[data-element-id="Task_Orphan"]').textContent();
    expect(listed).toContain('Thẩm định bị bỏ quên');
    expect(listed).toContain('Không thể tới được từ sự kiện bắt đầu');
    expect(await page.locator('.qt-diag-badge[data-element-id="Task_Handle"]').count()).toBe(0);
    expect(await page.locator('.qt-plan-badge').count()).toBe(0);
    await screenshot(page, 'designer-2-diagnostic-overlay');
  });

  it('should get the same diagnostic from the server check', async () => {
    await page.click('#validate');
    await page.waitForFunction(() => document.querySelector('#designer-status')?.textContent?.includes('máy chủ'));
    expect(await page.locator('.qt-diag-badge[data-element-id="Task_Orphan"]').textContent()).toContain('UNREACHABLE');
    expect(await page.textContent('#designer-status')).toMatch(/lỗi/);
  });

  it('should refuse to deploy the invalid diagram and show the problem code and element', async () => {
    await page.click('#deploy');
    await page.waitForSelector('#message.error');
    const banner = (await page.textContent('#message')) ?? '';
    expect(banner).toContain('BPMN_INVALID');
    expect(banner).toContain('Task_Orphan');
    expect(await page.locator('.qt-diag-badge[data-element-id="Task_Orphan"]').count()).toBe(1);
    await screenshot(page, 'designer-3-deploy-refused');
  });
});
