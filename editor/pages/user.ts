/**
 * #/users/:id — one user: name, roles in units, locked or not, a new password; and the API
 * tokens integrations use in their name. A new token is shown once, right after it is created:
 * the server keeps only its hash.
 */
import { api, type ApiToken, type Unit, type UserAccount } from '../api-client.ts';
import { onSubmit, problemNote, showMessage, type Page } from '../app.ts';
import { el, replace } from '../dom.ts';
import { formatDateTime } from '../labels.ts';
import { roleGrantsInput } from '../modules/role-grants.ts';

export const userPage: Page = async (root, { params }) => {
  const id = params[0]!;
  const [account, units, tokens] = await Promise.all([api.user(id), api.units(), api.apiTokens(id)]);
  const tokensCard = el('section', { class: 'card', id: 'tokens' });
  const render = (user: UserAccount): void => {
    replace(root,
      el('h1', {}, el('a', { href: '#/users' }, 'Người dùng'), ' › ', user.displayName, el('span', { class: 'muted' }, ` (${user.username})`)),
      el('div', { class: 'two-columns' },
        el('section', {}, accountForm(user, units, render)),
        el('section', {}, tokensCard)));
  };
  render(account);
  renderTokens(tokensCard, id, tokens);
};

function accountForm(user: UserAccount, units: readonly Unit[], saved: (user: UserAccount) => void): HTMLElement {
  const displayName = el('input', { id: 'account-display-name', required: true, value: user.displayName });
  const active = el('input', { id: 'account-active', type: 'checkbox', checked: user.active });
  const password = el('input', { id: 'account-password', type: 'password', minlength: 8, autocomplete: 'new-password', placeholder: 'Để trống nếu không đổi' });
  const roles = roleGrantsInput('account-roles', user.roles, units);
  const problem = el('div');
  const submit = el('button', { type: 'submit', class: 'primary' }, 'Lưu thay đổi');
  const form = el('form', { class: 'card', id: 'account-form' },
    el('h2', {}, 'Tài khoản và vai trò'),
    el('label', { for: 'account-display-name' }, 'Họ và tên'), displayName,
    el('label', { class: 'check' }, active, ' Đang hoạt động (bỏ chọn để khoá tài khoản; phiên và mã truy cập của người này hết hiệu lực)'),
    el('label', { for: 'account-password' }, 'Mật khẩu mới'), password,
    el('label', { for: 'account-roles-role' }, 'Vai trò tại đơn vị'), roles.node,
    submit, problem);
  onSubmit(form, async () => {
    replace(problem);
    const updated = await api.updateUser(user.id, { displayName: displayName.value.trim(), active: active.checked, roles: roles.grants(), ...(password.value && { password: password.value }) });
    showMessage(`Đã lưu tài khoản ${updated.username}.`, 'info');
    saved(updated);
  }, (error) => replace(problem, problemNote(error)));
  return form;
}

function renderTokens(host: HTMLElement, userId: string, tokens: readonly ApiToken[], created?: ApiToken & { token: string }): void {
  const reload = (justCreated?: ApiToken & { token: string }): void => {
    api.apiTokens(userId).then((list) => renderTokens(host, userId, list, justCreated)).catch((error: unknown) => showMessage(error));
  };
  const name = el('input', { id: 'token-name', required: true, placeholder: 'Cổng dịch vụ công tỉnh' });
  const problem = el('div');
  const form = el('form', { class: 'inline', id: 'token-create' }, name, el('button', { type: 'submit', class: 'primary' }, 'Tạo mã truy cập'));
  onSubmit(form, async () => {
    replace(problem);
    reload(await api.createApiToken(userId, name.value.trim()));
  }, (error) => replace(problem, problemNote(error)));
  replace(host,
    el('h2', {}, 'Mã truy cập API'),
    el('p', { class: 'muted small' }, 'Hệ thống khác gọi API thay cho người dùng này bằng tiêu đề Authorization: Bearer <mã>.'),
    created ? tokenOnce(created) : '',
    tokens.length === 0
      ? el('p', { class: 'muted' }, 'Chưa có mã truy cập nào.')
      : el('table', { class: 'grid', id: 'token-list' },
        el('thead', {}, el('tr', {}, el('th', {}, 'Tên'), el('th', {}, 'Tạo lúc'), el('th', {}, 'Trạng thái'), el('th', {}, ''))),
        el('tbody', {}, tokens.map((t) => el('tr', { 'data-token-id': t.id, class: t.revokedAt ? 'inactive' : '' },
          el('td', {}, t.name),
          el('td', {}, formatDateTime(t.createdAt)),
          el('td', {}, t.revokedAt ? `Đã thu hồi lúc ${formatDateTime(t.revokedAt)}` : 'Đang dùng'),
          el('td', {}, t.revokedAt ? '' : el('button', {
            type: 'button',
            class: 'secondary revoke',
            onclick: () => { api.revokeApiToken(userId, t.id).then(() => reload()).catch((error: unknown) => replace(problem, problemNote(error))); },
          }, 'Thu hồi')))))),
    form, problem);
}

function tokenOnce(created: ApiToken & { token: string }): HTMLElement {
  const value = el('input', { id: 'token-value', readonly: true, value: created.token, 'aria-label': 'Mã truy cập vừa tạo', onfocus: (event: Event) => (event.target as HTMLInputElement).select() });
  return el('div', { class: 'token-once', id: 'token-created', role: 'status' },
    el('strong', {}, `Mã truy cập "${created.name}" vừa tạo:`), value,
    el('p', { class: 'small' }, 'Hãy sao chép (Ctrl+C) và cất giữ mã này ngay: hệ thống chỉ hiển thị một lần, sau đó không xem lại được.'));
}
