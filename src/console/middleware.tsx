/**
 * The console's gates: security headers on every answer, the session (a cookie whose token is authenticated as the
 * API authenticates a bearer token), and the CSRF check every POST passes after its body limit.
 */
import type { MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { secureHeaders } from 'hono/secure-headers';
import { AppError } from '../errors.ts';
import {
  type ConsoleContext,
  type ConsoleEnv,
  CSRF_FIELD,
  CSRF_HEADER,
  type FormBody,
  field,
  isHtmx,
  SESSION_COOKIE,
} from './context.ts';
import { html } from './render.tsx';
import { csrfMatches, csrfTokenOf, SESSION_TTL_MS } from './sessions.ts';

/**
 * Scripts, styles, images and connections from this origin only, no inline script or style, no framing, no
 * plugins; forms post here only.
 */
const pageHeaders = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'none'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    baseUri: ["'none'"],
    objectSrc: ["'none'"],
  },
  referrerPolicy: 'same-origin',
  xFrameOptions: 'DENY',
  crossOriginResourcePolicy: 'same-origin',
});

/** The console's security headers; an answer with a policy of its own (an artifact's sandbox) keeps that one. */
export const consoleHeaders: MiddlewareHandler<ConsoleEnv> = async (c, next) => {
  let own: string | null = null;
  await pageHeaders(c, async () => {
    await next();
    own = c.res.headers.get('content-security-policy');
  });
  if (own) c.res.headers.set('content-security-policy', own);
};

/** Cookies are `Secure` when the console is reached over https (directly, or as PUBLIC_URL says). */
export const isSecure = (c: ConsoleContext) =>
  new URL(c.req.url).protocol === 'https:' || Boolean(c.var.publicUrl?.startsWith('https:'));

export function setSessionCookie(c: ConsoleContext, secret: string, secure: boolean) {
  setCookie(c, SESSION_COOKIE, secret, {
    path: '/console',
    httpOnly: true,
    sameSite: 'Strict',
    secure,
    maxAge: SESSION_TTL_MS / 1000,
  });
}

export const clearSessionCookie = (c: ConsoleContext) => deleteCookie(c, SESSION_COOKIE, { path: '/console' });

/** Sends a person without a (live) session to the login page, coming back to where they were after. */
function loginRequired(c: ConsoleContext, ended: boolean) {
  const back = c.req.method === 'GET' ? c.req.path + new URL(c.req.url).search : '/console';
  const login = `/console/login?next=${encodeURIComponent(back)}${ended ? '&ended=1' : ''}`;
  if (isHtmx(c)) return c.body(null, 401, { 'hx-redirect': login });
  if (c.req.method === 'GET') return c.redirect(login, 303);
  return html(
    c,
    <p>
      Log in first: <a href={login}>log in</a>.
    </p>,
    401,
  );
}

/** The caller of the session cookie; a session whose token is no longer accepted ends here. */
export const requireSession: MiddlewareHandler<ConsoleEnv> = async (c, next) => {
  const { sessions, authenticate } = c.var.services;
  const secret = getCookie(c, SESSION_COOKIE);
  const token = secret ? await sessions.tokenOf(secret) : undefined;
  if (!secret || !token) return loginRequired(c, false);
  try {
    c.set('caller', await authenticate(token, c.get('requestId')));
  } catch (error) {
    if (!(error instanceof AppError) || !['unauthorized', 'forbidden'].includes(error.code)) throw error;
    await sessions.close(secret);
    clearSessionCookie(c);
    return loginRequired(c, true);
  }
  c.set('session', secret);
  c.set('csrf', csrfTokenOf(secret));
  await next();
};

/** Whether the browser says the request comes from another site (Fetch Metadata, else the Origin header). */
function crossSite(c: ConsoleContext): boolean {
  const { publicUrl } = c.var;
  const site = c.req.header('sec-fetch-site');
  if (site) return site !== 'same-origin' && site !== 'none';
  const origin = c.req.header('origin');
  if (!origin || origin === 'null') return origin === 'null';
  const host = URL.canParse(origin) ? new URL(origin).host : '';
  return host !== c.req.header('host') && (!publicUrl || origin !== new URL(publicUrl).origin);
}

/**
 * Parses the POST body and refuses it unless it carries the CSRF token of `secretOf(c)` (the session, or the login
 * page's cookie) and comes from this site. Runs after the body limit, so the parse is bounded.
 */
export function checkCsrf(secretOf: (c: ConsoleContext) => string | undefined): MiddlewareHandler<ConsoleEnv> {
  return async (c, next) => {
    if (crossSite(c)) throw new AppError('forbidden', 'Forms may be sent from this console only');
    const form = (await c.req.parseBody({ all: true })) as FormBody;
    const secret = secretOf(c);
    if (!secret || !csrfMatches(secret, c.req.header(CSRF_HEADER) ?? field(form, CSRF_FIELD))) {
      throw new AppError('forbidden', 'This form has expired or did not come from this console; reload and try again');
    }
    c.set('form', form);
    await next();
  };
}
