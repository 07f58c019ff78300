/**
 * The roles of a user, each held in one unit ("Cán bộ xử lý @ CB-TTPVHCC"): a list the
 * administrator adds to and removes from, in the forms creating and editing a user.
 */
import type { RoleGrant, Unit } from '../api-client.ts';
import { el, replace } from '../dom.ts';
import { ROLE_LABELS } from '../labels.ts';

export function roleGrantsInput(id: string, initial: readonly RoleGrant[], units: readonly Unit[]): { node: HTMLElement; grants(): RoleGrant[] } {
  let grants = [...initial];
  const list = el('ul', { class: 'grants', id: `${id}-list` });
  const role = el('select', { id: `${id}-role`, 'aria-label': 'Vai trò' }, Object.entries(ROLE_LABELS).map(([value, label]) => el('option', { value }, label)));
  const unit = el('select', { id: `${id}-unit`, 'aria-label': 'Đơn vị' }, units.map((u) => el('option', { value: u.id }, `${u.code} — ${u.name}`)));
  const draw = (): void => {
    replace(list, grants.length === 0
      ? el('li', { class: 'muted' }, 'Chưa có vai trò nào.')
      : grants.map((g) => el('li', { class: 'tag', 'data-role': g.role, 'data-unit': g.unitId, title: units.find((u) => u.id === g.unitId)?.name ?? '' },
        grantLabel(g), ' ',
        el('button', { type: 'button', class: 'remove', 'aria-label': 'Bỏ vai trò', onclick: () => { grants = grants.filter((other) => other !== g); draw(); } }, '×'))));
  };
  const add = el('button', { type: 'button', id: `${id}-add`, onclick: () => {
    if (!grants.some((g) => g.role === role.value && g.unitId === unit.value)) grants = [...grants, { role: role.value, unitId: unit.value }];
    draw();
  } }, 'Thêm vai trò');
  draw();
  return { node: el('div', { class: 'grants-input' }, list, el('div', { class: 'inline' }, role, unit, add)), grants: () => grants };
}

/** @example grantLabel({ role: 'officer', unitId: 'CB-TTPVHCC' }) // 'Cán bộ xử lý @ CB-TTPVHCC' */
export function grantLabel(grant: RoleGrant): string {
  return `${ROLE_LABELS[grant.role] ?? grant.role} @ ${grant.unitId}`;
}
