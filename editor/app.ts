/** What every page receives: the signed-in user and a way to report errors. */
import { ApiError, type User } from './api-client.ts';
import { diagnosticTitle } from './diagnostic-titles.ts';
import { el, replace } from './dom.ts';
import { problemTitle } from './labels.ts';

export interface PageContext {
  readonly user: User;
  /** Hash route parameters, e.g. the case id of #/cases/:id. */
  readonly params: readonly string[];
}

/** A page draws into `root` and may return a cleanup (e.g. destroying a bpmn-js instance). */
export type Page = (root: HTMLElement, context: PageContext) => Promise<(() => void) | void>;

export function hasRole(user: User, role: string): boolean {
  return user.roles.some((r) => r.role === role);
}

/** Shows an error (problem+json code and element included) or a notice in the banner. */
export function showMessage(message: unknown, kind: 'error' | 'info' = 'error'): void {
  const banner = document.getElementById('message');
  if (!banner) return;
  banner.hidden = false;
  banner.className = kind;
  if (message instanceof ApiError) {
    replace(banner,
      el('strong', { class: 'code' }, message.code), ' ', message.message,
      message.elementId ? el('span', { class: 'element' }, ` (phần tử: ${message.elementId})`) : '',
      el('button', { class: 'close', type: 'button', 'aria-label': 'Đóng', onclick: clearMessage }, '×'));
  } else {
    replace(banner, message instanceof Error ? message.message : String(message), el('button', { class: 'close', type: 'button', 'aria-label': 'Đóng', onclick: clearMessage }, '×'));
  }
}

/**
 * A refusal shown next to the form that caused it (the banner is for the page): the Vietnamese
 * title of its code, then each diagnostic with its title, or else the server's explanation.
 * A string is a refusal of the page itself, already in Vietnamese.
 */
export function problemNote(problem: unknown): HTMLElement {
  if (!(problem instanceof ApiError)) return el('div', { class: 'problem', role: 'alert' }, problem instanceof Error ? problem.message : String(problem));
  return el('div', { class: 'problem', role: 'alert', 'data-code': problem.code },
    el('strong', {}, problemTitle(problem.code)),
    problem.diagnostics.length > 0
      ? el('ul', {}, problem.diagnostics.map((d) => el('li', { 'data-code': d.code }, diagnosticTitle(d.code) ? el('strong', {}, diagnosticTitle(d.code), '. ') : '', d.message)))
      : el('div', { class: 'small' }, problem.message));
}

/**
 * Sends a form without leaving the page. Its submit button stays disabled while `send` runs, so one
 * click makes one request; a failure (or a throw before any request) goes to `failed`, by default
 * the banner.
 */
export function onSubmit(form: HTMLFormElement, send: () => Promise<unknown>, failed: (error: unknown) => void = (error) => showMessage(error)): void {
  const submit = form.querySelector<HTMLButtonElement>('button[type=submit]');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (submit) submit.disabled = true;
    Promise.resolve()
      .then(send)
      .catch(failed)
      .finally(() => { if (submit) submit.disabled = false; });
  });
}

export function clearMessage(): void {
  const banner = document.getElementById('message');
  if (banner) banner.hidden = true;
}
