/** Console requests against a test app: a session cookie for an identity, its CSRF token, and forms. */
import type { Role } from '../../src/auth/caller.ts';
import { csrfTokenOf } from '../../src/console/sessions.ts';
import type { TestApp } from '../helpers/app.ts';

export interface ConsoleSession {
  cookie: string;
  csrf: string;
}

/** Opens a console session as `user` of `org` with `role`, as logging in with their token would. */
export async function sessionFor(t: TestApp, user: string, org: string, role: Role): Promise<ConsoleSession> {
  const secret = await t.app.services.sessions.open(await t.tokenFor(user, org, role));
  return { cookie: `os_session=${secret}`, csrf: csrfTokenOf(secret) };
}

/** A console request; `form` is sent as multipart (with `_csrf` from the session unless given). */
export function consoleRequest(
  t: TestApp,
  path: string,
  options: {
    session?: ConsoleSession;
    method?: string;
    form?: Record<string, string | File | File[]>;
    csrf?: string | null;
    headers?: Record<string, string>;
    body?: BodyInit;
  } = {},
) {
  const headers = new Headers(options.headers);
  if (options.session) headers.set('cookie', options.session.cookie);
  let body = options.body;
  if (options.form) {
    const form = new FormData();
    const csrf = options.csrf === undefined ? options.session?.csrf : options.csrf;
    if (csrf) form.set('_csrf', csrf);
    for (const [key, value] of Object.entries(options.form)) {
      for (const part of [value].flat()) form.append(key, part);
    }
    body = form;
  }
  return t.app.request(`http://localhost${path}`, { method: options.method ?? (body ? 'POST' : 'GET'), headers, body });
}
