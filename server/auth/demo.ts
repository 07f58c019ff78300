/**
 * Demo units and one user per role, created on the first start so the app can be tried at once.
 * The units are those the sample procedures' lanes name (`qt:unit`, see processes/README.md);
 * the credentials are printed by `quytrinh serve` and listed in the README.
 */
import type { DbOrTx } from '../storage/db.ts';
import type { Role } from './principal.ts';
import { hashPassword } from './password.ts';
import { createUser, ensureUnits, findUserByUsername, type NewUnitInput } from './store.ts';

// One scrypt hash (~80 ms) for all demo accounts: they share a published password anyway.
let demoHash: Promise<string> | undefined;
function demoPasswordHash(): Promise<string> {
  demoHash ??= hashPassword(DEMO_PASSWORD);
  return demoHash;
}

/** The password every demo account starts with. Change it (or disable the account) in production. */
export const DEMO_PASSWORD = 'demo1234';

/** The units the sample procedures' lanes name (processes/README.md, "Unit codes"). */
export const DEMO_UNITS: readonly NewUnitInput[] = [
  { code: 'CB-TTPVHCC', name: 'Trung tâm Phục vụ hành chính công tỉnh Cao Bằng (Bộ phận tiếp nhận và trả kết quả)' },
  { code: 'CB-SYT', name: 'Sở Y tế tỉnh Cao Bằng' },
  { code: 'CB-SYT-BTXH', name: 'Phòng Bảo trợ xã hội và Trẻ em, Sở Y tế', parentId: 'CB-SYT' },
  { code: 'CB-SYT-VP', name: 'Văn phòng Sở Y tế (Bộ phận Văn thư)', parentId: 'CB-SYT' },
  { code: 'CB-VPUBND-KGVX', name: 'Phòng Khoa giáo - Văn xã, Văn phòng UBND tỉnh Cao Bằng' },
  { code: 'CB-VPUBND-VT', name: 'Văn thư Văn phòng UBND tỉnh Cao Bằng' },
  { code: 'CB-SNV', name: 'Sở Nội vụ tỉnh Cao Bằng' },
  { code: 'CB-STC', name: 'Sở Tài chính tỉnh Cao Bằng' },
  { code: 'NA-XA-UBND', name: 'UBND cấp xã (Nghệ An)' },
  { code: 'NA-XA-TTPVHCC', name: 'Trung tâm Phục vụ hành chính công cấp xã (Nghệ An)', parentId: 'NA-XA-UBND' },
  { code: 'NA-XA-VHXH', name: 'Phòng Văn hóa - Xã hội, UBND cấp xã (Nghệ An)', parentId: 'NA-XA-UBND' },
  { code: 'NA-XA-VP', name: 'Văn thư UBND cấp xã (Nghệ An)', parentId: 'NA-XA-UBND' },
  { code: 'NA-TTPVHCC', name: 'Trung tâm Phục vụ hành chính công tỉnh Nghệ An' },
  { code: 'NA-SNV', name: 'Sở Nội vụ tỉnh Nghệ An' },
  { code: 'NA-SNV-NCC', name: 'Phòng Người có công, Sở Nội vụ Nghệ An', parentId: 'NA-SNV' },
  { code: 'NA-SNV-VP', name: 'Văn thư Sở Nội vụ Nghệ An', parentId: 'NA-SNV' },
  { code: 'NA-VPUBND', name: 'Văn phòng UBND tỉnh Nghệ An' },
  { code: 'HT-XA-UBND', name: 'UBND cấp xã (Hà Tĩnh)' },
  { code: 'HT-XA-TTPVHCC', name: 'Trung tâm Phục vụ hành chính công cấp xã (Hà Tĩnh)', parentId: 'HT-XA-UBND' },
  { code: 'QT-SNNMT', name: 'Sở Nông nghiệp và Môi trường tỉnh Quảng Trị' },
  { code: 'QT-SNNMT-VP', name: 'Văn phòng Sở Nông nghiệp và Môi trường Quảng Trị (tiếp nhận, gửi kết quả)', parentId: 'QT-SNNMT' },
  { code: 'QT-SNNMT-DDBD', name: 'Đơn vị chuyên môn đo đạc và bản đồ, Sở Nông nghiệp và Môi trường Quảng Trị', parentId: 'QT-SNNMT' },
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

/** Role/unit pairs the sample procedures' lanes name beyond the named Cao Bằng accounts. */
const LANE_GRANTS: readonly { readonly role: Role; readonly unitId: string }[] = [
  { role: 'officer', unitId: 'CB-SNV' }, { role: 'officer', unitId: 'CB-STC' },
  { role: 'officer', unitId: 'CB-VPUBND-KGVX' }, { role: 'officer', unitId: 'CB-VPUBND-VT' },
  { role: 'officer', unitId: 'HT-XA-TTPVHCC' }, { role: 'unitHead', unitId: 'HT-XA-UBND' },
  { role: 'unitHead', unitId: 'NA-SNV' }, { role: 'officer', unitId: 'NA-SNV-NCC' }, { role: 'unitHead', unitId: 'NA-SNV-NCC' },
  { role: 'officer', unitId: 'NA-SNV-VP' }, { role: 'officer', unitId: 'NA-TTPVHCC' }, { role: 'officer', unitId: 'NA-VPUBND' },
  { role: 'officer', unitId: 'NA-XA-TTPVHCC' }, { role: 'unitHead', unitId: 'NA-XA-UBND' },
  { role: 'officer', unitId: 'NA-XA-VHXH' }, { role: 'unitHead', unitId: 'NA-XA-VHXH' }, { role: 'officer', unitId: 'NA-XA-VP' },
  { role: 'officer', unitId: 'QT-SNNMT-DDBD' }, { role: 'officer', unitId: 'QT-SNNMT-VP' },
];

const ROLE_SLUG: Partial<Record<Role, string>> = { officer: 'canbo', unitHead: 'lanhdao' };
const ROLE_TITLE: Partial<Record<Role, string>> = { officer: 'Cán bộ', unitHead: 'Lãnh đạo' };

/**
 * The demo username for a role in a unit: a named account when one exists (e.g. `motcua`),
 * else `<unit code in lower case>.<canbo|lanhdao|role>` (e.g. `na-snv-ncc.canbo`).
 *
 * @example demoUsernameFor('unitHead', 'NA-XA-VHXH') // 'na-xa-vhxh.lanhdao'
 */
export function demoUsernameFor(role: Role, unitId: string): string {
  const named = DEMO_ACCOUNTS.find((a) => a.roles.some((r) => r.role === role && r.unitId === unitId));
  return named ? named.username : `${unitId.toLowerCase()}.${ROLE_SLUG[role] ?? role.toLowerCase()}`;
}

function generatedAccount(grant: { readonly role: Role; readonly unitId: string }, unitName: string): DemoAccount {
  return {
    username: demoUsernameFor(grant.role, grant.unitId),
    password: DEMO_PASSWORD,
    displayName: `${ROLE_TITLE[grant.role] ?? grant.role} ${unitName}`,
    roles: [grant],
    purpose: `${grant.role} of ${grant.unitId}`,
  };
}

/**
 * Creates a demo user for every role/unit pair that has none yet (e.g. the lanes of a newly
 * deployed procedure), creating missing units with their code as name. Returns the new accounts.
 */
export async function ensureGrantUsers(db: DbOrTx, grants: readonly { readonly role: Role; readonly unitId: string }[], now: string = new Date().toISOString()): Promise<DemoAccount[]> {
  await ensureUnits(db, grants.map((g) => DEMO_UNITS.find((u) => u.code === g.unitId) ?? { code: g.unitId, name: g.unitId }));
  const created: DemoAccount[] = [];
  for (const grant of grants) {
    const holders = await db.selectFrom('user_roles').select('user_id').where('role', '=', grant.role).where('unit_id', '=', grant.unitId).limit(1).execute();
    if (holders.length > 0) continue;
    const unit = await db.selectFrom('units').select('name').where('id', '=', grant.unitId).executeTakeFirst();
    const account = generatedAccount(grant, unit?.name ?? grant.unitId);
    if (await findUserByUsername(db, account.username)) continue;
    await createUser(db, { username: account.username, displayName: account.displayName, password: account.password, passwordHash: await demoPasswordHash(), roles: account.roles }, now);
    created.push(account);
  }
  return created;
}

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
    await createUser(db, { username: account.username, displayName: account.displayName, password: account.password, passwordHash: await demoPasswordHash(), roles: account.roles }, now);
    created.push(account);
  }
  created.push(...(await ensureGrantUsers(db, LANE_GRANTS, now)));
  return created;
}

/** The credentials as the start command prints them. */
export function formatDemoAccounts(accounts: readonly DemoAccount[]): string {
  const named = accounts.filter((a) => DEMO_ACCOUNTS.some((d) => d.username === a.username));
  const generated = accounts.filter((a) => !named.includes(a));
  if (accounts.length === 0) return '';
  const width = Math.max(...named.map((a) => a.username.length), 0);
  const lines = named.map((a) => `  ${a.username.padEnd(width)}  ${a.password}  ${a.roles.map((r) => `${r.role}@${r.unitId}`).join(', ')} — ${a.purpose}`);
  // The per-unit accounts of the other sample procedures follow one pattern; list them briefly.
  if (generated.length > 0) lines.push(`  …and ${generated.length} per-unit accounts named <unit>.canbo / <unit>.lanhdao (e.g. ${generated[0]!.username}), same password`);
  return `Demo accounts (username  password  roles):\n${lines.join('\n')}\n`;
}
