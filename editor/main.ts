/**
 * The browser app: hash routes for login, procedures, the officer's inbox and case page, the
 * designer, the reviewer's statistics and the administrator's calendars, users and units. The
 * session is a cookie; on load we ask /api/auth/me.
 */
import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import 'bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css';
import '@bpmn-io/properties-panel/dist/assets/properties-panel.css';
import './styles.css';
import { ApiError, api, type User } from './api-client.ts';
import { clearMessage, hasRole, showMessage, type Page } from './app.ts';
import { el, replace } from './dom.ts';
import { ROLE_LABELS } from './labels.ts';
import { calendarPage } from './pages/calendar.ts';
import { calendarsPage } from './pages/calendars.ts';
import { casePage } from './pages/case.ts';
import { casesPage } from './pages/cases.ts';
import { designerPage } from './pages/designer.ts';
import { inboxPage } from './pages/inbox.ts';
import { loginPage } from './pages/login.ts';
import { proceduresPage } from './pages/procedures.ts';
import { reviewPage } from './pages/review.ts';
import { userPage } from './pages/user.ts';
import { usersPage } from './pages/users.ts';

const ROUTES: Readonly<Record<string, Page>> = {
  procedures: proceduresPage,
  inbox: inboxPage,
  // #/cases lists and searches; #/cases/:id is one case.
  cases: (root, context) => (context.params[0] ? casePage(root, context) : casesPage(root, context)),
  designer: designerPage,
  review: reviewPage,
  // #/calendars lists; #/calendars/:name[/:year] is one calendar's year.
  calendars: (root, context) => (context.params[0] ? calendarPage(root, context) : calendarsPage(root, context)),
  // #/users lists users and units; #/users/:id is one user with their API tokens.
  users: (root, context) => (context.params[0] ? userPage(root, context) : usersPage(root, context)),
};

/** Pages meant for some roles only; the server enforces access, this only keeps menus honest. */
const ROUTE_ROLES: Readonly<Record<string, readonly string[]>> = {
  inbox: ['officer', 'unitHead'],
  designer: ['designer', 'admin'],
  review: ['reviewer', 'admin', 'unitHead'],
  calendars: ['admin'],
  users: ['admin'],
};

let user: User | undefined;
/** The route asked for before login, reopened after it. */
let pendingRoute: string | undefined;
let cleanup: (() => void) | void;

/** Where a user lands after login: the page of their main role. */
function landingRoute(u: User): string {
  if (hasRole(u, 'officer') || hasRole(u, 'unitHead')) return '#/inbox';
  if (hasRole(u, 'designer')) return '#/designer';
  if (hasRole(u, 'reviewer')) return '#/review';
  if (hasRole(u, 'admin')) return '#/users';
  return '#/procedures';
}

function renderChrome(): void {
  const nav = document.getElementById('nav');
  const who = document.getElementById('who');
  if (!nav || !who) return;
  if (!user) {
    replace(nav);
    replace(who);
    return;
  }
  const links: [string, string, boolean][] = [
    ['#/inbox', 'Hộp việc', hasRole(user, 'officer') || hasRole(user, 'unitHead')],
    ['#/cases', 'Hồ sơ', true],
    ['#/procedures', 'Quy trình', true],
    ['#/designer', 'Thiết kế', hasRole(user, 'designer')],
    ['#/review', 'Thống kê', hasRole(user, 'reviewer') || hasRole(user, 'admin') || hasRole(user, 'unitHead')],
    ['#/calendars', 'Lịch làm việc', hasRole(user, 'admin')],
    ['#/users', 'Người dùng & đơn vị', hasRole(user, 'admin')],
  ];
  replace(nav, links.filter(([, , visible]) => visible).map(([href, label]) => el('a', { href, class: location.hash.startsWith(href) ? 'current' : '' }, label)));
  const roles = [...new Set(user.roles.map((r) => ROLE_LABELS[r.role] ?? r.role))].join(', ');
  replace(who, el('span', { class: 'user' }, user.displayName, el('small', {}, ` (${roles})`)), ' ',
    el('button', { type: 'button', class: 'link', onclick: () => void logout() }, 'Đăng xuất'));
}

async function logout(): Promise<void> {
  await api.logout().catch(() => undefined);
  user = undefined;
  location.hash = '#/login';
}

/** Counts route changes so a slow page that finished after the user moved on is discarded. */
let generation = 0;

async function route(): Promise<void> {
  const root = document.getElementById('app');
  if (!root) return;
  const mine = ++generation;
  if (cleanup) cleanup();
  cleanup = undefined;
  clearMessage();
  // Each page draws into its own container; a newer route replaces it, so a stale page writes
  // only into a detached node and is cleaned up as soon as it finishes.
  const container = el('div', { class: 'page' }, el('p', { class: 'muted' }, 'Đang tải…'));
  replace(root, container);
  const adopt = (pageCleanup: (() => void) | void): void => {
    if (mine === generation) cleanup = pageCleanup;
    else if (pageCleanup) pageCleanup();
  };
  const [name = '', ...params] = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  if (name === 'login' || !user) {
    if (name !== 'login' && name !== '') pendingRoute = location.hash;
    renderChrome();
    adopt(await loginPage(container, (signedIn) => {
      user = signedIn;
      const target = pendingRoute ?? landingRoute(signedIn);
      pendingRoute = undefined;
      if (location.hash === target) void route();
      else location.hash = target;
    }));
    return;
  }
  const signedIn = user;
  const page = ROUTES[name];
  const allowed = ROUTE_ROLES[name];
  if (!page || (allowed && !allowed.some((role) => hasRole(signedIn, role)))) {
    location.replace(landingRoute(user));
    return;
  }
  renderChrome();
  try {
    adopt(await page(container, { user, params }));
  } catch (error) {
    if (mine !== generation) return;
    if (error instanceof ApiError && error.status === 401) {
      user = undefined;
      location.hash = '#/login';
      return;
    }
    showMessage(error);
  }
}

async function start(): Promise<void> {
  try {
    user = (await api.me()).user;
  } catch {
    user = undefined;
  }
  window.addEventListener('hashchange', () => void route());
  if (user && (location.hash === '' || location.hash === '#/' || location.hash === '#/login')) location.hash = landingRoute(user);
  else await route();
}

void start();
