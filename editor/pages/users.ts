/**
 * #/users — the administrator's lists of users (with their roles in units) and of units, and the
 * forms creating them. One user's roles, account and API tokens are on #/users/:id.
 */
import { api, type CalendarSummary, type Unit, type UserAccount } from '../api-client.ts';
import { onSubmit, problemNote, showMessage, type Page } from '../app.ts';
import { el, replace } from '../dom.ts';
import { formatDateTime } from '../labels.ts';
import { grantLabel, roleGrantsInput } from '../modules/role-grants.ts';

export const usersPage: Page = async (root) => {
  const render = async (): Promise<void> => {
    const [users, units, calendars] = await Promise.all([api.users(), api.units(), api.calendars()]);
    const refresh = (): void => { render().catch((error: unknown) => showMessage(error)); };
    replace(root,
      el('div', { class: 'two-columns' },
        el('section', {}, el('h1', {}, 'Người dùng'), usersTable(users, units)),
        el('section', {}, newUserForm(units, refresh))),
      el('div', { class: 'two-columns' },
        el('section', {}, el('h1', {}, 'Đơn vị'), unitsTable(units, calendars)),
        el('section', {}, newUnitForm(units, calendars, refresh))));
  };
  await render();
};

function usersTable(users: readonly UserAccount[], units: readonly Unit[]): HTMLElement {
  const unitName = (id: string): string => units.find((u) => u.id === id)?.name ?? id;
  return el('table', { class: 'grid', id: 'users' },
    el('thead', {}, el('tr', {}, el('th', {}, 'Tên đăng nhập'), el('th', {}, 'Họ và tên'), el('th', {}, 'Vai trò @ đơn vị'), el('th', {}, 'Trạng thái'), el('th', {}, 'Tạo lúc'))),
    el('tbody', {}, users.map((u) => el('tr', { 'data-username': u.username, class: u.active ? '' : 'inactive' },
      el('td', {}, el('a', { href: `#/users/${encodeURIComponent(u.id)}` }, u.username)),
      el('td', {}, u.displayName),
      el('td', {}, u.roles.map((g) => el('span', { class: 'tag', title: unitName(g.unitId) }, grantLabel(g)))),
      el('td', {}, u.active ? 'Đang hoạt động' : 'Đã khoá'),
      el('td', {}, formatDateTime(u.createdAt))))));
}

function newUserForm(units: readonly Unit[], created: () => void): HTMLElement {
  const username = el('input', { id: 'user-username', required: true, pattern: '[A-Za-z0-9._\\-]{2,64}', autocomplete: 'off', placeholder: 'nguyenvana' });
  const displayName = el('input', { id: 'user-display-name', required: true, placeholder: 'Nguyễn Văn A' });
  const password = el('input', { id: 'user-password', type: 'password', required: true, minlength: 8, autocomplete: 'new-password' });
  const roles = roleGrantsInput('user-roles', [], units);
  const problem = el('div');
  const submit = el('button', { type: 'submit', class: 'primary' }, 'Tạo người dùng');
  const form = el('form', { class: 'card', id: 'user-create' },
    el('h2', {}, 'Tạo người dùng'),
    el('label', { for: 'user-username' }, 'Tên đăng nhập (chữ không dấu, số, dấu chấm, gạch)'), username,
    el('label', { for: 'user-display-name' }, 'Họ và tên'), displayName,
    el('label', { for: 'user-password' }, 'Mật khẩu (ít nhất 8 ký tự)'), password,
    el('label', { for: 'user-roles-role' }, 'Vai trò tại đơn vị'), roles.node,
    submit, problem);
  onSubmit(form, async () => {
    replace(problem);
    const user = await api.createUser({ username: username.value.trim(), displayName: displayName.value.trim(), password: password.value, roles: roles.grants() });
    showMessage(`Đã tạo người dùng ${user.username}.`, 'info');
    created();
  }, (error) => replace(problem, problemNote(error)));
  return form;
}

function unitsTable(units: readonly Unit[], calendars: readonly CalendarSummary[]): HTMLElement {
  const unitName = (id: string | null | undefined): string => (id ? units.find((u) => u.id === id)?.name ?? id : '—');
  return el('table', { class: 'grid', id: 'units' },
    el('thead', {}, el('tr', {}, el('th', {}, 'Mã'), el('th', {}, 'Tên đơn vị'), el('th', {}, 'Đơn vị cấp trên'), el('th', {}, 'Lịch làm việc'))),
    el('tbody', {}, units.map((u) => el('tr', { 'data-unit': u.id },
      el('td', {}, u.code),
      el('td', {}, u.name),
      el('td', {}, unitName(u.parentId)),
      el('td', {}, unitCalendarSelect(u, calendars))))));
}

/** The calendar the unit's dossiers received from now on run on (dossiers already received keep theirs). */
function unitCalendarSelect(unit: Unit, calendars: readonly CalendarSummary[]): HTMLElement {
  const select = calendarSelect(calendars, unit.calendar ?? '', `Lịch làm việc của ${unit.code}`);
  select.addEventListener('change', () => {
    api.setUnitCalendar(unit.id, select.value || null)
      .then(() => showMessage(`Hồ sơ ${unit.code} tiếp nhận từ nay chạy theo ${select.selectedOptions[0]?.textContent ?? select.value}.`, 'info'))
      .catch((error: unknown) => showMessage(error));
  });
  return select;
}

/** The calendars to choose from; '' is the default calendar (the procedure's, else the national one). */
function calendarSelect(calendars: readonly CalendarSummary[], selected: string, label: string, id?: string): HTMLSelectElement {
  return el('select', { id, 'aria-label': label },
    el('option', { value: '', selected: selected === '' }, 'Lịch mặc định'),
    calendars.map((c) => el('option', { value: c.name, selected: c.name === selected }, c.displayName ?? c.name)));
}

function newUnitForm(units: readonly Unit[], calendars: readonly CalendarSummary[], created: () => void): HTMLElement {
  const code = el('input', { id: 'unit-code', required: true, pattern: '[A-Za-z0-9._\\-]+', placeholder: 'CB-SYT-NVY' });
  const name = el('input', { id: 'unit-name', required: true, placeholder: 'Phòng Nghiệp vụ Y, Sở Y tế' });
  const parent = el('select', { id: 'unit-parent' }, el('option', { value: '' }, '(không có)'), units.map((u) => el('option', { value: u.id }, `${u.code} — ${u.name}`)));
  const calendar = calendarSelect(calendars, '', 'Lịch làm việc', 'unit-calendar');
  const problem = el('div');
  const submit = el('button', { type: 'submit', class: 'primary' }, 'Tạo đơn vị');
  const form = el('form', { class: 'card', id: 'unit-create' },
    el('h2', {}, 'Tạo đơn vị'),
    el('label', { for: 'unit-code' }, 'Mã đơn vị'), code,
    el('label', { for: 'unit-name' }, 'Tên đơn vị'), name,
    el('label', { for: 'unit-parent' }, 'Đơn vị cấp trên'), parent,
    el('label', { for: 'unit-calendar' }, 'Lịch làm việc'), calendar,
    submit, problem);
  onSubmit(form, async () => {
    replace(problem);
    const unit = await api.createUnit({ code: code.value.trim(), name: name.value.trim(), ...(parent.value && { parentId: parent.value }), ...(calendar.value && { calendar: calendar.value }) });
    showMessage(`Đã tạo đơn vị ${unit.code}.`, 'info');
    created();
  }, (error) => replace(problem, problemNote(error)));
  return form;
}
