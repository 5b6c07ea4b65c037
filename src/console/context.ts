/**
 * What console handlers see: the API's context (services, caller, logger) plus the session, the CSRF token of its
 * forms and the parsed form of a POST. The console is another door to the same services as `src/api`: handlers
 * call services, never the HTTP API.
 */
import type { Context } from 'hono';
import type { AppVariables } from '../api/context.ts';

/** A parsed form body: text fields and file parts, repeated names as arrays. */
export type FormBody = Record<string, string | File | (string | File)[]>;

export interface ConsoleVariables extends AppVariables {
  /** The session secret of the cookie. */
  session: string;
  /** The token forms of this session carry in `_csrf`. */
  csrf: string;
  /** The body of a POST, parsed once (after the body limit) and checked for its CSRF token. */
  form: FormBody;
  /** Where users reach the server (PUBLIC_URL): https there makes cookies Secure; its origin may post forms. */
  publicUrl?: string;
}

export interface ConsoleEnv {
  Variables: ConsoleVariables;
}

export type ConsoleContext = Context<ConsoleEnv>;

/** The name of the session cookie (path /console). */
export const SESSION_COOKIE = 'os_session';
/** The name of the cookie whose secret protects the login forms before there is a session. */
export const PRELOGIN_COOKIE = 'os_login';
/** The form field every POST carries its CSRF token in (htmx requests may send the header instead). */
export const CSRF_FIELD = '_csrf';
export const CSRF_HEADER = 'x-csrf-token';

/** Whether htmx asked for part of a page (a history restore asks for the whole page). */
export const isHtmx = (c: Context) =>
  c.req.header('hx-request') === 'true' && c.req.header('hx-history-restore-request') !== 'true';

/** One text field of a form ('' when absent; the first when repeated). */
export function field(form: FormBody, name: string): string {
  const value = [form[name]].flat()[0];
  return typeof value === 'string' ? value : '';
}

/** The file parts of a field that hold a chosen file (a browser sends an empty part when none was chosen). */
export function files(form: FormBody, name: string): File[] {
  return [form[name]]
    .flat()
    .filter((value): value is File => value instanceof File && (value.name !== '' || value.size > 0));
}
