import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, repoFile, type Client, type TestServer } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';

const XML = repoFile('processes/thin-slice/thin-slice.bpmn');
const HOUR = 3_600_000;
const EVIL = '<script>alert("x")</script> Nguyễn Văn An';

function text(html: string): string {
  return html.replace(/<style>[\s\S]*?<\/style>/, '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: printable documents`, () => {
    let server: TestServer;
    let desk: Client;
    beforeEach(async () => {
      server = await startTestServer(dialect, { now: '2026-03-02T08:05:00+07:00' });
      const designer = await server.login('thietke');
      expect((await designer.postXml('/api/procedures', XML)).status).toBe(201);
      desk = await server.login('motcua');
    });
    afterEach(() => server.dispose());

    async function receive(): Promise<{ id: string; code: string; caseVersion: number }> {
      const res = await desk.post('/api/cases', {
        processId: 'thin-slice',
        applicant: { name: EVIL, idNumber: '001088012345', phone: '0912 345 678', address: 'Số 1 "Hoàng Đình Giong" & phố <b>', email: 'an@example.vn' },
        channel: 'desk',
        unitId: 'CB-TTPVHCC',
        data: { documents: ['Đơn đề nghị (bản chính)', 'Danh sách lao động <img src=x onerror=alert(1)>'], copies: 1 },
      });
      expect(res.status).toBe(201);
      return res.body;
    }

    it('should print the receipt slip (BM.01) with the motto, fields and times to the minute, escaped', async () => {
      const c = await receive();
      const res = await desk.get(`/api/cases/${c.id}/documents/receipt`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/text\/html; charset=UTF-8/i);
      expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
      const html = res.text;
      expect(html).toContain('<meta charset="utf-8">');
      expect(html).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
      expect(html).toContain('Độc lập - Tự do - Hạnh phúc');
      expect(html).toContain('GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ');
      const t = text(html);
      expect(t).toContain(`Mã hồ sơ: ${c.code}`);
      expect(t).toContain('Số định danh cá nhân/mã số doanh nghiệp: 001088012345');
      expect(t).toContain('Số điện thoại: 0912 345 678');
      expect(t).toContain('Thư điện tử: an@example.vn');
      expect(t).toContain('Thời gian nhận hồ sơ: 08 giờ 05 phút, ngày 02 tháng 03 năm 2026');
      // 8.5 working days from Monday 02/03 08:05 → Thursday 12/03 13:35 (the lunch break is not counted).
      expect(t).toContain('Thời gian trả kết quả giải quyết hồ sơ: 13 giờ 35 phút, ngày 12 tháng 03 năm 2026');
      expect(t).toContain('Thời gian giải quyết hồ sơ theo quy định: 8,5 ngày làm việc');
      expect(t).toContain('Đơn đề nghị (bản chính)');
      expect(t).toContain('Số lượng hồ sơ: 1 (bộ)');
      expect(t).toContain('NGƯỜI TIẾP NHẬN HỒ SƠ');
      expect(t).toContain('Nguyễn Thị Mai (Một cửa)');
      expect(t).toContain('Trung tâm Phục vụ hành chính công tỉnh Cao Bằng');
      // no user text becomes markup
      expect(html).not.toContain('<script>');
      expect(html).not.toContain('<img');
      expect(html).not.toContain('<b>"');
      expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Nguyễn Văn An');
      expect(html).toContain('Số 1 &quot;Hoàng Đình Giong&quot; &amp; phố &lt;b&gt;');
    });

    it('should print the control slip (BM.05) with every handover, giver, receiver and result', async () => {
      const c = await receive();
      let version = c.caseVersion;
      for (const username of ['motcua', 'chuyenvien', 'giamdoc']) {
        server.clock.advance(2 * HOUR);
        const officer = await server.login(username);
        const item = (await officer.get('/api/inbox')).body.find((i: { caseId: string }) => i.caseId === c.id);
        const done = await officer.post(`/api/cases/${c.id}/steps/${item.stepKey}/complete`, { caseVersion: version });
        expect(done.status).toBe(200);
        version = done.body.caseVersion;
      }
      const reviewer = await server.login('kiemsoat');
      const res = await reviewer.get(`/api/cases/${c.id}/documents/control-slip`);
      expect(res.status).toBe(200);
      const html = res.text;
      expect(html).toContain('PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ');
      expect(html).toContain('Số: …PKS-TTPVHCC (BPTNTKQ)');
      // Receipt (0.5 WD, due 13:35) finished at 10:05 the same day: on time; handling (7 WD) finished the day it began: early.
      const rows = [...html.matchAll(/<tr>\s*<td>1\. Giao: ([^<]*)<br>2\. Nhận: ([^<]*)<\/td>\s*<td>([^<]*)<\/td>\s*<td>([^<]*)<\/td>\s*<td>[^<]*<\/td>\s*<td>([^<]*)<\/td>\s*<td>([^<]*)<\/td>/g)].map((m) => m.slice(1));
      expect(rows).toEqual([
        ['Trung tâm Phục vụ hành chính công tỉnh Cao Bằng (Bộ phận tiếp nhận và trả kết quả)', 'Trung tâm Phục vụ hành chính công tỉnh Cao Bằng (Bộ phận tiếp nhận và trả kết quả)', '08 giờ 05 phút, ngày 02/03/2026', '', 'Nguyễn Thị Mai (Một cửa)', 'Nguyễn Thị Mai (Một cửa)'],
        ['Trung tâm Phục vụ hành chính công tỉnh Cao Bằng (Bộ phận tiếp nhận và trả kết quả)', 'Phòng Bảo trợ xã hội và Trẻ em, Sở Y tế', '10 giờ 05 phút, ngày 02/03/2026', 'Đúng hạn', 'Nguyễn Thị Mai (Một cửa)', 'Trần Văn Hùng (Chuyên viên)'],
        ['Phòng Bảo trợ xã hội và Trẻ em, Sở Y tế', 'Sở Y tế tỉnh Cao Bằng', '12 giờ 05 phút, ngày 02/03/2026', 'Trước hạn', 'Trần Văn Hùng (Chuyên viên)', 'Hoàng Văn Nam (Lãnh đạo Sở)'],
      ]);
      const t = text(html);
      expect(t).toContain('Cơ quan (bộ phận) giải quyết hồ sơ: Sở Y tế tỉnh Cao Bằng');
      expect(t).toContain('Hẹn trả kết quả vào 13 giờ 35 phút, ngày 12 tháng 03 năm 2026');
      expect(t).toContain('Kết quả giải quyết hồ sơ do bên nhận nhập thông tin');
    });

    it('should print the supplement request (BM.02) once one was made, with items and reason', async () => {
      const c = await receive();
      expect((await desk.get(`/api/cases/${c.id}/documents/supplement`)).status).toBe(404);
      server.clock.advance(HOUR);
      const asked = await desk.post(`/api/cases/${c.id}/supplement-request`, { caseVersion: c.caseVersion, reason: 'Thiếu bản sao <giấy tờ>', items: ['Bản sao CCCD', 'Xác nhận của UBND xã'] });
      expect(asked.status).toBe(200);
      const html = (await desk.get(`/api/cases/${c.id}/documents/supplement`)).text;
      const t = text(html);
      expect(html).toContain('PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ');
      expect(t).toContain('Bản sao CCCD');
      expect(t).toContain('Xác nhận của UBND xã');
      expect(html).toContain('Lý do: Thiếu bản sao &lt;giấy tờ&gt;');
      expect(t).toContain('Thời gian yêu cầu bổ sung: 09 giờ 05 phút, ngày 02 tháng 03 năm 2026');
      expect(t).toContain('NGƯỜI HƯỚNG DẪN');
    });

    it('should print the refusal slip (BM.03) with the reason', async () => {
      const c = await receive();
      const refused = await desk.post(`/api/cases/${c.id}/refuse`, { caseVersion: c.caseVersion, reason: 'Hồ sơ không thuộc thẩm quyền giải quyết' });
      expect(refused.status).toBe(200);
      const t = text((await desk.get(`/api/cases/${c.id}/documents/refusal`)).text);
      expect(t).toContain('PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ');
      expect(t).toContain('Hồ sơ không thuộc thẩm quyền giải quyết');
      expect(t).toContain(`Mã hồ sơ: ${c.code}`);
    });

    it('should print the apology letter (BM.04) with the old appointment, reason, new date and signer', async () => {
      const c = await receive();
      // The desk records the letter the head of the agency signed.
      const leader = desk;
      const res = await leader.post(`/api/cases/${c.id}/apology`, { caseVersion: c.caseVersion, reason: 'Cần xin ý kiến Sở Tài chính', newAppointmentAt: '2026-03-17T16:00:00+07:00', signedBy: 'Hoàng Văn Nam' });
      if (res.status !== 200) throw new Error(JSON.stringify(res.body));
      const html = (await leader.get(`/api/cases/${c.id}/documents/apology`)).text;
      const t = text(html);
      expect(t).toContain('PHIẾU XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT');
      expect(t).toContain('Thời gian hẹn trả kết quả giải quyết hồ sơ: 13 giờ 35 phút, ngày 12 tháng 03 năm 2026');
      expect(t).toContain('Lý do: Cần xin ý kiến Sở Tài chính');
      expect(t).toContain('vào ngày 17 tháng 03 năm 2026');
      expect(t).toContain('THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ');
      expect(t).toContain('Hoàng Văn Nam');
      expect(t).toContain('Mã số hồ sơ: ' + c.code);
    });

    it('should print the register (BM.06) of the receiving desk for a period', async () => {
      const first = await receive();
      server.clock.advance(HOUR);
      const second = await receive();
      const res = await desk.get('/api/documents/register?unitId=CB-TTPVHCC&from=2026-03-01&to=2026-03-31');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
      const html = res.text;
      expect(html).toContain('SỔ THEO DÕI HỒ SƠ');
      expect(html).toContain('size: A4 landscape');
      const rows = [...html.matchAll(/<tr>\s*<td>(\d+)<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td>\s*<td>([^<]*)<\/td><td>([^<]*)<\/td>\s*<td>([^<]*)<\/td><td>([^<]*)<\/td>/g)].map((m) => m.slice(1));
      expect(rows.map((r) => [r[0], r[1], r[6], r[7]])).toEqual([
        ['1', first.code, '08:05 02/03/2026', '13:35 12/03/2026'],
        ['2', second.code, '09:05 02/03/2026', '14:35 12/03/2026'],
      ]);
      expect(rows[0]![3]).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Nguyễn Văn An');
      expect(rows[0]![4]).toContain('0912 345 678');
      expect(text((await desk.get('/api/documents/register?unitId=CB-TTPVHCC&from=2026-03-03&to=2026-03-31')).text)).not.toContain(first.code);
      expect((await desk.get('/api/documents/register?unitId=CB-TTPVHCC')).status).toBe(400);
      expect((await (await server.login('chuyenvien')).get('/api/documents/register?unitId=CB-TTPVHCC&from=2026-03-01&to=2026-03-31')).status).toBe(403);
      expect((await (await server.login('kiemsoat')).get('/api/documents/register?unitId=NOPE&from=2026-03-01&to=2026-03-31')).status).toBe(404);
    });

    it('should describe the document, audit and user routes in the OpenAPI document', async () => {
      const doc = (await (await server.app.request('/api/openapi.json')).json()) as { paths: Record<string, unknown> };
      for (const path of ['/cases/{id}/documents/{form}', '/documents/register', '/audit/verify', '/audit/export', '/auth/login', '/users/{id}/tokens']) expect(doc.paths).toHaveProperty([path]);
      expect(doc.paths).toHaveProperty(['/cases']);
    });

    it('should refuse unknown forms, unknown cases, strangers and anonymous callers', async () => {
      const c = await receive();
      expect((await desk.get(`/api/cases/${c.id}/documents/nope`)).status).toBe(404);
      expect((await desk.get('/api/cases/no-such-case/documents/receipt')).status).toBe(404);
      expect((await server.app.request(`/api/cases/${c.id}/documents/receipt`)).status).toBe(401);
      // the clerk's office has had nothing to do with this case yet
      expect((await (await server.login('vanthu')).get(`/api/cases/${c.id}/documents/receipt`)).status).toBe(403);
    });
  });
}
