/**
 * Logging in and out: a token typed on the login page, or a one-time link, becomes a session once the token
 * authenticates exactly as a bearer token would. The login forms are protected by a cookie of their own.
 */

import { randomBytes } from 'node:crypto';
import type { Hono } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { LoginLinkPage, LoginPage } from '../../views/login.tsx';
import { limitBody, SMALL_JSON_BYTES } from '../api/body-limit.ts';
import { AppError } from '../errors.ts';
import { type ConsoleContext, type ConsoleEnv, field, PRELOGIN_COOKIE, SESSION_COOKIE } from './context.ts';
import { checkCsrf, clearSessionCookie, isSecure, requireSession, setSessionCookie } from './middleware.tsx';
import { page, redirect } from './render.tsx';
import { csrfTokenOf, MAX_TOKEN_CHARS, SECRET_PATTERN } from './sessions.ts';

/** Where to go after logging in: a console page of this site, nothing else (no open redirect). */
export function safeNext(next: string | undefined): string {
  return next && /^\/console(?:[/?#]|$)/.test(next) && !/[\\]|\/\//.test(next) ? next : '/console';
}

/** The login forms' secret (a cookie on the login pages), made when a login page is shown. */
function preloginSecret(c: ConsoleContext): string {
  const current = getCookie(c, PRELOGIN_COOKIE);
  if (current && SECRET_PATTERN.test(current)) return current;
  const secret = randomBytes(32).toString('base64url');
  setCookie(c, PRELOGIN_COOKIE, secret, {
    path: '/console/login',
    httpOnly: true,
    sameSite: 'Strict',
    secure: isSecure(c),
    maxAge: 3600,
  });
  return secret;
}

/** Authenticates the token and opens a session for it; refusals come back as a message for the form. */
async function logIn(c: ConsoleContext, token: string): Promise<string | undefined> {
  const { authenticate, sessions } = c.var.services;
  try {
    await authenticate(token, c.get('requestId'));
  } catch (error) {
    if (error instanceof AppError && ['unauthorized', 'forbidden'].includes(error.code)) return error.message;
    throw error;
  }
  setSessionCookie(c, await sessions.open(token), isSecure(c));
  return undefined;
}

export function authRoutes(router: Hono<ConsoleEnv>) {
  const loginCsrf = checkCsrf((c) => getCookie(c, PRELOGIN_COOKIE));
  const loginPage = (c: ConsoleContext, props: { next: string; error?: string; status?: 200 | 401 }) =>
    page(
      c,
      { title: 'Log in', section: 'login', status: props.status },
      <LoginPage
        csrf={csrfTokenOf(preloginSecret(c))}
        next={props.next}
        error={props.error}
        ended={c.req.query('ended') === '1'}
        loggedOut={c.req.query('out') === '1'}
      />,
    );

  router.get('/login', async (c) => {
    const secret = getCookie(c, SESSION_COOKIE);
    if (secret && (await c.var.services.sessions.tokenOf(secret))) return c.redirect('/console', 303);
    return loginPage(c, { next: safeNext(c.req.query('next')) });
  });

  router.post('/login', limitBody(SMALL_JSON_BYTES), loginCsrf, async (c) => {
    const next = safeNext(field(c.var.form, 'next'));
    const token = field(c.var.form, 'token')
      .trim()
      .replace(/^Bearer\s+/i, '');
    if (!token || token.length > MAX_TOKEN_CHARS) {
      return loginPage(c, { next, error: 'Paste an API token', status: 401 });
    }
    const refused = await logIn(c, token);
    if (refused) return loginPage(c, { next, error: refused, status: 401 });
    return c.redirect(next, 303);
  });

  router.get('/login/link', (c) =>
    page(
      c,
      { title: 'Log in' },
      <LoginLinkPage csrf={csrfTokenOf(preloginSecret(c))} code={c.req.query('code') ?? ''} />,
    ),
  );

  router.post('/login/link', limitBody(SMALL_JSON_BYTES), loginCsrf, async (c) => {
    const token = await c.var.services.sessions.redeemLoginLink(field(c.var.form, 'code'));
    const refused = token ? await logIn(c, token) : 'This login link is unknown, used or expired';
    if (refused) {
      const csrf = csrfTokenOf(preloginSecret(c));
      return page(c, { title: 'Log in', status: 401 }, <LoginLinkPage csrf={csrf} code="" error={refused} />);
    }
    return c.redirect('/console', 303);
  });

  router.post(
    '/logout',
    limitBody(SMALL_JSON_BYTES),
    requireSession,
    checkCsrf((c) => c.get('session')),
    async (c) => {
      await c.var.services.sessions.close(c.var.session);
      clearSessionCookie(c);
      return redirect(c, '/console/login?out=1');
    },
  );
}
