/**
 * Demo units and one user per role, created on the first start so the app can be tried at once.
 * The units are those the sample procedures' lanes name (`qt:unit`, see processes/README.md);
 * the credentials are printed by `quytrinh serve` and listed in the README.
 */
import type { DbOrTx } from '../storage/db.ts';
import type { Role } from './principal.ts';
import { createUser, ensureUnits, findUserByUsername, type NewUnitInput } from './store.ts';

/** The password every demo account starts with. Change it (or disable the account) in production. */
export const DEMO_PASSWORD = 'demo1234';

export const DEMO_UNITS: readonly NewUnitInput[] = [
  { code: 'CB-TTPVHCC', name: 'Trung tâm Phục vụ hành chính công tỉnh Cao Bằng (Bộ phận tiếp nhận và trả kết quả)' },
  { code: 'CB-SYT', name: 'Sở Y tế tỉnh Cao Bằng' },
  { code: 'CB-SYT-BTXH', name: 'Phòng Bảo trợ xã hội và Trẻ em, Sở Y tế', parentId: 'CB-SYT' },
  { code: 'CB-SYT-VP', name: 'Văn phòng Sở Y tế (Bộ phận Văn thư)', parentId: 'CB-SYT' },
];

export interface DemoAccount {
  readonly username: string;
  readonly password: string;
  readonly displayName: string;
  readonly roles: readonly { readonly role: Role; readonly unitId: string }[];
  /** What the account is for, printed beside the credentials. */
  readonly purpose: string;
}

export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  { username: 'motcua', displayName: 'Nguyễn Thị Mai (Một cửa)', purpose: 'officer at the one-stop desk: receives dossiers, returns results', roles: [{ role: 'officer', unitId: 'CB-TTPVHCC' }] },
  { username: 'chuyenvien', displayName: 'Trần Văn Hùng (Chuyên viên)', purpose: 'officer in the specialist division: handles and drafts', roles: [{ role: 'officer', unitId: 'CB-SYT-BTXH' }] },
  { username: 'vanthu', displayName: 'Lê Thị Hoa (Văn thư)', purpose: 'clerk: numbers, stamps and issues results', roles: [{ role: 'officer', unitId: 'CB-SYT-VP' }] },
  { username: 'truongphong', displayName: 'Phạm Minh Tuấn (Trưởng phòng)', purpose: 'unit head of the division: assigns and reviews', roles: [{ role: 'unitHead', unitId: 'CB-SYT-BTXH' }] },
  { username: 'giamdoc', displayName: 'Hoàng Văn Nam (Lãnh đạo Sở)', purpose: 'head of the agency: approves, signs apology letters', roles: [{ role: 'unitHead', unitId: 'CB-SYT' }] },
  { username: 'thietke', displayName: 'Đỗ Thu Trang (Thiết kế quy trình)', purpose: 'designer: edits and deploys procedures', roles: [{ role: 'designer', unitId: 'CB-SYT' }] },
  { username: 'kiemsoat', displayName: 'Vũ Quốc Bảo (Kiểm soát TTHC)', purpose: 'reviewer: statistics, audits and exports', roles: [{ role: 'reviewer', unitId: 'CB-SYT' }] },
  { username: 'admin', displayName: 'Quản trị hệ thống', purpose: 'admin: users, units, calendars', roles: [{ role: 'admin', unitId: 'CB-SYT' }] },
].map((a) => ({ ...a, password: DEMO_PASSWORD }) as DemoAccount);

/**
 * Creates the demo units and any demo account that does not exist yet. Idempotent: a second
 * call creates nothing and returns an empty list, so credentials are printed only once.
 *
 * @example const created = await ensureDemoUsers(db, clock.now()); for (const a of created) console.log(a.username, a.password);
 */
export async function ensureDemoUsers(db: DbOrTx, now: string = new Date().toISOString()): Promise<DemoAccount[]> {
  await ensureUnits(db, DEMO_UNITS);
  const created: DemoAccount[] = [];
  for (const account of DEMO_ACCOUNTS) {
    if (await findUserByUsername(db, account.username)) continue;
    await createUser(db, { username: account.username, displayName: account.displayName, password: account.password, roles: account.roles }, now);
    created.push(account);
  }
  return created;
}

/** The credentials as the start command prints them. */
export function formatDemoAccounts(accounts: readonly DemoAccount[]): string {
  if (accounts.length === 0) return '';
  const width = Math.max(...accounts.map((a) => a.username.length));
  const lines = accounts.map((a) => `  ${a.username.padEnd(width)}  ${a.password}  ${a.roles.map((r) => `${r.role}@${r.unitId}`).join(', ')} — ${a.purpose}`);
  return `Demo accounts (username  password  roles):\n${lines.join('\n')}\n`;
}
