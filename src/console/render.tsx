/**
 * Answers of console handlers: whole pages in the shell, fragments for htmx, redirects that work with and without
 * JavaScript, and the error page every failure becomes.
 */
import type { ErrorHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { VNode } from 'preact';
import { render } from 'preact-render-to-string';
import { Notice } from '../../views/components.tsx';
import { type Section, Shell } from '../../views/layout.tsx';
import { statusOf } from '../api/problem.ts';
import { AppError } from '../errors.ts';
import { assetUrls } from './assets.ts';
import { type ConsoleContext, type ConsoleEnv, isHtmx } from './context.ts';

/** Markup as a response; console pages are never cached (they can show a token once). */
export function html(c: ConsoleContext, vnode: VNode, status: ContentfulStatusCode = 200, doctype = true) {
  c.header('cache-control', 'no-store');
  return c.html(`${doctype ? '<!doctype html>' : ''}${render(vnode)}`, status);
}

export interface PageOptions {
  title: string;
  section?: Section;
  status?: ContentfulStatusCode;
  head?: VNode;
}

/** A whole page in the shell, for the session's caller. */
export function page(c: ConsoleContext, options: PageOptions, body: VNode) {
  return html(
    c,
    <Shell
      title={options.title}
      assets={assetUrls()}
      caller={c.get('caller')}
      csrf={c.get('csrf')}
      section={options.section}
      head={options.head}
    >
      {body}
    </Shell>,
    options.status,
  );
}

/** A fragment for htmx when it asked for one, else the whole page. */
export const pageOrFragment = (c: ConsoleContext, options: PageOptions, body: VNode, fragment: VNode) =>
  isHtmx(c) ? html(c, fragment, options.status, false) : page(c, options, body);

/** Goes to `url`: a 303 for a browser, `HX-Redirect` for htmx (which would otherwise follow it in the background). */
export function redirect(c: ConsoleContext, url: string) {
  if (isHtmx(c)) return c.body(null, 200, { 'hx-redirect': url });
  return c.redirect(url, 303);
}

const ERROR_TITLES: Partial<Record<number, string>> = {
  400: 'The request is not valid',
  401: 'Log in first',
  403: 'Not allowed',
  404: 'Not found',
  409: 'Conflict',
  413: 'Too large',
  422: 'Not acceptable',
  503: 'Unavailable',
};

/** The error every console failure becomes: a page, or an inline notice for htmx. */
export function errorPage(c: ConsoleContext, error: AppError) {
  const status = statusOf(error);
  const title = ERROR_TITLES[status] ?? 'Something went wrong';
  const notice = (
    <Notice kind="error">
      <strong>{title}.</strong> {error.message}
      {error.options.errors?.length ? (
        <ul>
          {error.options.errors.map((e) => (
            <li>
              <code>{e.field}</code>: {e.message}
            </li>
          ))}
        </ul>
      ) : null}
    </Notice>
  );
  const body = (
    <section class="error-page">
      <h1>{title}</h1>
      {notice}
      <p>
        <a href="/console">Back to the dashboard</a>
      </p>
    </section>
  );
  if (isHtmx(c)) {
    // Whatever part of the page the request was to replace, the problem shows in the shell's flash area.
    c.header('hx-retarget', '#flash');
    c.header('hx-reswap', 'innerHTML');
    c.header('hx-reselect', '.notice');
    return html(c, notice, status, false);
  }
  return page(c, { title, status }, body);
}

/** The console's one error handler (the API's answers problem+json; people get a page). */
export const onConsoleError: ErrorHandler<ConsoleEnv> = (error, c) => {
  if (error instanceof AppError) return errorPage(c, error);
  if (error instanceof HTTPException && error.status === 413) {
    return errorPage(c, new AppError('payload_too_large', error.message || 'The request body is too large'));
  }
  c.var.logger?.error({ err: error }, 'unhandled console error');
  const message = `Something went wrong on our side (request ${c.get('requestId') ?? 'unknown'})`;
  return errorPage(c, new AppError('internal', message));
};
