/**
 * The printable forms of Circular 01/2018/TT-VPCP and Circular 03/2025/TT-VPCP (layouts as in
 * the annexed forms BM.01–BM.05 of 3621/QĐ-BYT, see shared/docs/domain-verified.md §3): plain
 * HTML for A5 printing. Values are escaped here, at the one place they enter markup.
 */
import { BLANK, dateWords, esc, normWords, timeAndDate, timeAndShortDate, TIMELINESS_WORDS } from './format.ts';

export const FORMS = ['receipt', 'supplement', 'refusal', 'apology', 'control-slip'] as const;
export type FormName = (typeof FORMS)[number];

export interface Applicant {
  readonly name?: string;
  readonly idNumber?: string;
  readonly phone?: string;
  readonly email?: string;
  readonly address?: string;
}

export interface SlipRowView {
  readonly giver: string;
  readonly receiver: string;
  readonly handedAt: string;
  readonly result?: string;
  readonly note?: string;
  readonly giverPerson?: string;
  readonly receiverPerson?: string;
}

/** Everything a form may print, read from the case row and its audit log. */
export interface DocumentContext {
  readonly caseId: string;
  readonly code: string;
  readonly procedureName: string;
  readonly procedureCode?: string;
  readonly deadline?: { readonly amount: number; readonly unit: string };
  readonly channel: string;
  readonly applicant: Applicant;
  /** The agency above the receiving desk (đơn vị chủ quản). */
  readonly agencyName: string;
  readonly receivingUnitName: string;
  readonly receivedAt: string;
  readonly appointmentAt?: string | null;
  /** Display name of the officer who received the dossier. */
  readonly receiver?: string;
  readonly documents?: readonly string[];
  readonly copies?: number;
  readonly delegate?: string;
  /** Sequence number in the register (sổ theo dõi). */
  readonly registerNumber?: string;
  readonly supplement?: { readonly at: string; readonly reason?: string; readonly items?: readonly string[]; readonly officer?: string };
  readonly refusal?: { readonly at: string; readonly reason?: string; readonly officer?: string };
  readonly apology?: { readonly issuedAt: string; readonly reason: string; readonly previousAppointment?: string | null; readonly newAppointment: string; readonly signedBy: string };
  readonly handlingUnitName?: string;
  readonly coordinatingUnitNames: readonly string[];
  readonly slipRows: readonly SlipRowView[];
  /** The instant the form is printed (place-and-date line). */
  readonly printedAt: string;
  readonly place?: string;
}

const STYLE = `
  @page { size: A5; margin: 12mm; }
  body { font-family: 'Times New Roman', 'Noto Serif', serif; font-size: 13pt; line-height: 1.45; color: #000; max-width: 148mm; margin: 0 auto; }
  .header { display: flex; justify-content: space-between; text-align: center; gap: 8mm; }
  .header div { flex: 1; }
  .motto { font-weight: bold; }
  .motto span { display: block; font-weight: bold; text-decoration: underline; }
  .place { text-align: right; font-style: italic; margin: 4mm 0; }
  h1 { text-align: center; font-size: 14pt; margin: 6mm 0 4mm; }
  .field { margin: 1mm 0; }
  .sign { display: flex; justify-content: space-between; text-align: center; margin-top: 8mm; }
  .sign div { flex: 1; }
  .sign .name { margin-top: 18mm; font-weight: bold; }
  table { width: 100%; border-collapse: collapse; font-size: 11pt; }
  th, td { border: 1px solid #000; padding: 1.5mm; vertical-align: top; }
  .notes { font-size: 10pt; font-style: italic; margin-top: 4mm; }
`;

function page(title: string, formCode: string, body: string): string {
  return `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(formCode)} – ${esc(title)}</title>
<style>${STYLE}</style>
</head>
<body data-form="${esc(formCode)}">
${body}
</body>
</html>
`;
}

function header(ctx: DocumentContext, number: string): string {
  return `<div class="header">
  <div><div>${esc(ctx.agencyName.toUpperCase())}</div><div><b>${esc(ctx.receivingUnitName.toUpperCase())}</b></div><div>Số: ${esc(number)}</div></div>
  <div class="motto">CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM<span>Độc lập - Tự do - Hạnh phúc</span></div>
</div>
<p class="place">${esc(ctx.place ?? BLANK)}, ${esc(dateWords(ctx.printedAt))}</p>`;
}

function field(label: string, value: string | undefined | null): string {
  return `<p class="field">${esc(label)}: ${value ? esc(value) : BLANK}</p>`;
}

function signature(left: { title: string; name?: string } | undefined, right: { title: string; name?: string }): string {
  const cell = (s: { title: string; name?: string }) => `<div><b>${esc(s.title)}</b><br><i>(Ký và ghi rõ họ tên)</i><div class="name">${esc(s.name ?? '')}</div></div>`;
  return `<div class="sign">${left ? cell(left) : '<div></div>'}${cell(right)}</div>`;
}

function applicantFields(a: Applicant): string {
  return [field('Tên tổ chức, cá nhân', a.name), field('Số định danh cá nhân/mã số doanh nghiệp', a.idNumber), field('Địa chỉ', a.address), field('Số điện thoại', a.phone), field('Thư điện tử', a.email)].join('\n');
}

const CHANNEL_WORDS: Record<string, string> = { desk: 'trực tiếp tại Bộ phận Một cửa', online: 'trực tuyến', post: 'qua dịch vụ bưu chính công ích' };

/** BM.01 Giấy tiếp nhận hồ sơ và hẹn trả kết quả. */
export function receiptHtml(ctx: DocumentContext): string {
  const documents = ctx.documents?.length
    ? `<ol>${ctx.documents.map((d) => `<li>${esc(d)}</li>`).join('')}</ol>`
    : `<p>${BLANK}</p>`;
  const body = `${header(ctx, `${ctx.registerNumber ?? '…'}/TNHS`)}
<h1>GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ</h1>
<p class="field"><b>Mã hồ sơ: ${esc(ctx.code)}</b></p>
<p>${esc(ctx.receivingUnitName)} tiếp nhận hồ sơ của:</p>
${applicantFields(ctx.applicant)}
${ctx.delegate ? field('Người được ủy quyền', ctx.delegate) : ''}
${field('Nội dung yêu cầu giải quyết', ctx.procedureCode ? `${ctx.procedureName} (mã thủ tục ${ctx.procedureCode})` : ctx.procedureName)}
${field('Hình thức nộp hồ sơ', CHANNEL_WORDS[ctx.channel] ?? ctx.channel)}
<p class="field">Thành phần hồ sơ nộp gồm:</p>
${documents}
${field('Số lượng hồ sơ', ctx.copies !== undefined ? `${ctx.copies} (bộ)` : undefined)}
${field('Thời gian giải quyết hồ sơ theo quy định', normWords(ctx.deadline))}
<p class="field">Thời gian nhận hồ sơ: <b>${esc(timeAndDate(ctx.receivedAt))}</b></p>
<p class="field">Thời gian trả kết quả giải quyết hồ sơ: <b>${esc(timeAndDate(ctx.appointmentAt))}</b></p>
${field('Nhận kết quả tại', ctx.receivingUnitName)}
${field('Vào Sổ theo dõi hồ sơ, Quyển số', ctx.registerNumber ? `…, Số thứ tự ${ctx.registerNumber}` : undefined)}
${signature({ title: 'NGƯỜI NỘP HỒ SƠ', name: ctx.applicant.name ?? '' }, { title: 'NGƯỜI TIẾP NHẬN HỒ SƠ', name: ctx.receiver ?? '' })}`;
  return page('Giấy tiếp nhận hồ sơ và hẹn trả kết quả', 'BM.01', body);
}

/** BM.02 Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ. */
export function supplementHtml(ctx: DocumentContext): string {
  const s = ctx.supplement;
  const items = s?.items?.length ? `<ol>${s.items.map((i) => `<li>${esc(i)}</li>`).join('')}</ol>` : `<p>${BLANK}</p>`;
  const body = `${header(ctx, '…/PYCBS')}
<h1>PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ</h1>
<p class="field"><b>Mã hồ sơ: ${esc(ctx.code)}</b></p>
<p>${esc(ctx.receivingUnitName)} tiếp nhận hồ sơ của:</p>
${applicantFields(ctx.applicant)}
${field('Nội dung yêu cầu giải quyết', ctx.procedureName)}
<p class="field">Ngày nhận hồ sơ: ${esc(timeAndDate(ctx.receivedAt))}</p>
<p class="field">Thời gian yêu cầu bổ sung: ${esc(timeAndDate(s?.at))}</p>
<p class="field">Yêu cầu hoàn thiện hồ sơ gồm những nội dung sau:</p>
${items}
${field('Lý do', s?.reason)}
<p>Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, ông/bà liên hệ với ${esc(s?.officer ?? BLANK)}, ${esc(ctx.receivingUnitName)} để được hướng dẫn.</p>
<p><i>Thời hạn giải quyết được tính lại từ đầu sau khi nhận đủ hồ sơ (Nghị định 61/2018/NĐ-CP, Điều 19 khoản 4).</i></p>
${signature({ title: 'NGƯỜI NỘP HỒ SƠ', name: ctx.applicant.name ?? '' }, { title: 'NGƯỜI HƯỚNG DẪN', name: s?.officer ?? '' })}`;
  return page('Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ', 'BM.02', body);
}

/** BM.03 Phiếu từ chối tiếp nhận giải quyết hồ sơ. */
export function refusalHtml(ctx: DocumentContext): string {
  const r = ctx.refusal;
  const body = `${header(ctx, '…/PTC')}
<h1>PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ</h1>
<p>${esc(ctx.receivingUnitName)} tiếp nhận hồ sơ đề nghị giải quyết thủ tục hành chính ${esc(ctx.procedureName)} của:</p>
${applicantFields(ctx.applicant)}
${field('Mã hồ sơ', ctx.code)}
<p class="field">Thời gian: ${esc(timeAndDate(r?.at ?? ctx.receivedAt))}</p>
<p>Sau khi xem xét, đối chiếu thành phần hồ sơ, cơ quan, đơn vị không tiếp nhận, giải quyết hồ sơ này với lý do sau:</p>
<p>${r?.reason ? esc(r.reason) : BLANK}</p>
<p>Xin thông báo cho ông/bà được biết và thực hiện.</p>
${signature(undefined, { title: 'NGƯỜI TIẾP NHẬN HỒ SƠ', name: r?.officer ?? ctx.receiver ?? '' })}`;
  return page('Phiếu từ chối tiếp nhận giải quyết hồ sơ', 'BM.03', body);
}

/** BM.04 Phiếu xin lỗi và đề nghị gia hạn thời gian giải quyết (Decree 61 Art. 19(9)). */
export function apologyHtml(ctx: DocumentContext): string {
  const a = ctx.apology;
  const body = `${header({ ...ctx, printedAt: a?.issuedAt ?? ctx.printedAt }, '…/PXL')}
<h1>PHIẾU XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT</h1>
<p class="field">Kính gửi: ${esc(ctx.applicant.name ?? BLANK)}</p>
<p>${esc(dateWords(ctx.receivedAt)).replace(/^n/, 'N')}, ${esc(ctx.agencyName)} tiếp nhận giải quyết hồ sơ đề nghị giải quyết thủ tục hành chính ${esc(ctx.procedureName)} của Ông/Bà/Tổ chức ${esc(ctx.applicant.name ?? BLANK)}.</p>
${field('Số định danh cá nhân/mã số doanh nghiệp', ctx.applicant.idNumber)}
<p class="field">Mã số hồ sơ: <b>${esc(ctx.code)}</b></p>
<p class="field">Thời gian hẹn trả kết quả giải quyết hồ sơ: ${esc(timeAndDate(a?.previousAppointment ?? ctx.appointmentAt))}</p>
<p>Tuy nhiên, đến nay ${esc(ctx.agencyName)} chưa trả kết quả giải quyết hồ sơ cho Ông/Bà/Tổ chức đúng hạn.</p>
<p class="field"><b>Lý do:</b> ${a ? esc(a.reason) : BLANK}</p>
<p>${esc(ctx.agencyName)} xin trân trọng gửi lời xin lỗi đến Ông/Bà/Tổ chức vì sự chậm trễ này có thể gây phiền hà, tốn kém về chi phí, công sức của Ông/Bà/Tổ chức và sẽ trả kết quả giải quyết hồ sơ cho Ông/Bà/Tổ chức vào <b>${esc(dateWords(a?.newAppointment))}</b>.</p>
<p>Xin trân trọng cảm ơn./.</p>
${signature(undefined, { title: 'THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ', name: a?.signedBy ?? '' })}`;
  return page('Phiếu xin lỗi và đề nghị gia hạn thời gian giải quyết', 'BM.04', body);
}

/** BM.05 Phiếu kiểm soát quá trình giải quyết hồ sơ: one row per handover, from the audit log. */
export function controlSlipHtml(ctx: DocumentContext): string {
  const rows = ctx.slipRows.map((r) => `<tr>
  <td>1. Giao: ${esc(r.giver)}<br>2. Nhận: ${esc(r.receiver)}</td>
  <td>${esc(timeAndShortDate(r.handedAt))}</td>
  <td>${r.result ? esc(TIMELINESS_WORDS[r.result] ?? r.result) : ''}</td>
  <td>${esc(r.note ?? '')}</td>
  <td>${esc(r.giverPerson ?? '')}</td>
  <td>${esc(r.receiverPerson ?? '')}</td>
</tr>`);
  const body = `<div class="header">
  <div><div>${esc(ctx.receivingUnitName.toUpperCase())}</div><div>Số: …PKS-TTPVHCC (BPTNTKQ)</div></div>
  <div class="motto">CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM<span>Độc lập - Tự do - Hạnh phúc</span></div>
</div>
<h1>PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ</h1>
<p class="field">Mã số hồ sơ: <b>${esc(ctx.code)}</b></p>
${field('Cơ quan (bộ phận) giải quyết hồ sơ', ctx.handlingUnitName)}
${field('Cơ quan phối hợp giải quyết hồ sơ', ctx.coordinatingUnitNames.join('; ') || undefined)}
<p class="field">Ngày nhận: ${esc(timeAndDate(ctx.receivedAt))}</p>
<p class="field">Hẹn trả kết quả vào ${esc(timeAndDate(ctx.appointmentAt))}</p>
<table>
<thead><tr><th>Tên đơn vị</th><th>Thời gian giao nhận hồ sơ</th><th>Kết quả giải quyết hồ sơ (trước hạn/đúng hạn/quá hạn)</th><th>Ghi chú</th><th>Người giao</th><th>Người nhận</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>
<p class="notes">Ghi chú: Kết quả giải quyết hồ sơ do bên nhận nhập thông tin/ghi khi nhận bàn giao hồ sơ. Việc lưu vết được thực hiện tự động theo chức năng của Hệ thống thông tin giải quyết thủ tục hành chính và thể hiện trên mẫu phiếu điện tử.</p>`;
  return page('Phiếu kiểm soát quá trình giải quyết hồ sơ', 'BM.05', body);
}

export const RENDERERS: Record<FormName, (ctx: DocumentContext) => string> = {
  receipt: receiptHtml,
  supplement: supplementHtml,
  refusal: refusalHtml,
  apology: apologyHtml,
  'control-slip': controlSlipHtml,
};

/** One line of the dossier register (BM.06 Sổ theo dõi hồ sơ). */
export interface RegisterRow {
  readonly code: string;
  readonly procedureName: string;
  readonly applicant: Applicant;
  readonly handlingUnitName?: string;
  readonly receivedAt: string;
  readonly appointmentAt?: string | null;
  readonly returnedAt?: string | null;
  readonly channel: string;
}

const RETURN_WORDS: Record<string, string> = { desk: 'Trực tiếp', online: 'Trực tuyến', post: 'Bưu chính' };

/** BM.06 Sổ theo dõi hồ sơ: the register of a receiving desk for a period (A4 landscape). */
export function registerHtml(input: { readonly unitName: string; readonly agencyName: string; readonly from: string; readonly to: string; readonly printedAt: string; readonly rows: readonly RegisterRow[] }): string {
  const shortDate = (iso: string | null | undefined) => (iso ? timeAndShortDate(iso).replace(/^(\d+) giờ (\d+) phút, ngày /, '$1:$2 ') : '');
  const rows = input.rows.map((r, k) => `<tr>
  <td>${k + 1}</td><td>${esc(r.code)}</td><td>${esc(r.procedureName)}</td><td>${esc(r.applicant.name ?? '')}</td>
  <td>${esc([r.applicant.address, r.applicant.phone].filter(Boolean).join('; '))}</td><td>${esc(r.handlingUnitName ?? '')}</td>
  <td>${esc(shortDate(r.receivedAt))}</td><td>${esc(shortDate(r.appointmentAt))}</td><td>${esc(shortDate(r.returnedAt))}</td>
  <td>${esc(RETURN_WORDS[r.channel] ?? r.channel)}</td><td></td>
</tr>`);
  const body = `<div class="header">
  <div><div>${esc(input.agencyName.toUpperCase())}</div><div><b>${esc(input.unitName.toUpperCase())}</b></div></div>
  <div class="motto">CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM<span>Độc lập - Tự do - Hạnh phúc</span></div>
</div>
<h1>SỔ THEO DÕI HỒ SƠ</h1>
<p class="field" style="text-align:center">Từ ${esc(dateWords(input.from))} đến ${esc(dateWords(input.to))}</p>
<table>
<thead><tr><th>STT</th><th>Mã hồ sơ</th><th>Tên thủ tục hành chính</th><th>Tên tổ chức, cá nhân</th><th>Địa chỉ, số điện thoại</th><th>Cơ quan chủ trì giải quyết</th><th>Nhận hồ sơ</th><th>Hẹn trả kết quả</th><th>Ngày trả kết quả</th><th>Phương thức nhận kết quả</th><th>Ký nhận</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>`;
  return page('Sổ theo dõi hồ sơ', 'BM.06', body).replace('@page { size: A5; margin: 12mm; }', '@page { size: A4 landscape; margin: 10mm; }').replace('max-width: 148mm;', 'max-width: 277mm;');
}
