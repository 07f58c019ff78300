/** #/login: username and password; the server sets the session cookie and returns the CSRF token. */
import { api, type User } from '../api-client.ts';
import { onSubmit } from '../app.ts';
import { el, replace } from '../dom.ts';

export async function loginPage(root: HTMLElement, onSignedIn: (user: User) => void): Promise<void> {
  const username = el('input', { name: 'username', id: 'login-username', autocomplete: 'username', required: true });
  const password = el('input', { name: 'password', id: 'login-password', type: 'password', autocomplete: 'current-password', required: true });
  const submit = el('button', { type: 'submit', class: 'primary' }, 'Đăng nhập');
  const form = el('form', { class: 'card login', id: 'login-form' },
    el('h1', {}, 'Đăng nhập hệ thống'),
    el('p', { class: 'muted' }, 'Hệ thống quản lý quy trình nội bộ giải quyết thủ tục hành chính'),
    el('label', { for: 'login-username' }, 'Tên đăng nhập'), username,
    el('label', { for: 'login-password' }, 'Mật khẩu'), password,
    submit);
  onSubmit(form, () => api.login(username.value.trim(), password.value).then(({ user }) => onSignedIn(user)));
  replace(root, form);
  username.focus();
}
