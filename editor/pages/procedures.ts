/** #/procedures: every deployed procedure with its versions. */
import { api } from '../api-client.ts';
import { hasRole, type Page } from '../app.ts';
import { el, replace } from '../dom.ts';
import { formatDateTime } from '../labels.ts';

export const proceduresPage: Page = async (root, { user }) => {
  const procedures = await api.procedures();
  const designer = hasRole(user, 'designer');
  const reviewer = hasRole(user, 'reviewer') || hasRole(user, 'admin') || hasRole(user, 'unitHead');
  replace(root,
    el('h1', {}, 'Danh sách quy trình'),
    procedures.length === 0
      ? el('p', { class: 'muted' }, 'Chưa có quy trình nào được triển khai.')
      : el('table', { class: 'grid', id: 'procedures' },
        el('thead', {}, el('tr', {}, el('th', {}, 'Mã thủ tục'), el('th', {}, 'Tên quy trình'), el('th', {}, 'Phiên bản'), el('th', {}, 'Triển khai lúc'), el('th', {}, ''))),
        el('tbody', {}, procedures.map((p) => {
          const latest = p.versions.find((v) => v.version === p.latestVersion);
          return el('tr', { 'data-process-id': p.processId },
            el('td', {}, p.code ?? '—'),
            el('td', {}, el('strong', {}, p.name ?? p.processId), el('div', { class: 'muted small' }, p.processId)),
            el('td', {}, p.versions.map((v) => el('span', { class: `tag${v.retired ? ' retired' : ''}`, title: v.hash }, `v${v.version}`))),
            el('td', {}, formatDateTime(latest?.deployedAt)),
            el('td', { class: 'links' },
              designer ? el('a', { href: `#/designer/${encodeURIComponent(p.processId)}` }, 'Mở trong trình thiết kế') : '',
              designer && reviewer ? ' · ' : '',
              reviewer ? el('a', { href: `#/review/${encodeURIComponent(p.processId)}` }, 'Thống kê') : ''));
        }))));
};
