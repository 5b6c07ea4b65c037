/**
 * The page shell of the console: head (stylesheet, htmx, our script; all served by the app), the top bar with the
 * navigation a caller's role allows, and the log-out form. Views are pure: they receive data and return markup.
 */
import type { ComponentChildren } from 'preact';
import type { Caller } from '../src/auth/caller.ts';
import { hasRole } from '../src/auth/caller.ts';
import { CsrfField } from './components.tsx';

/** Where the shell's assets are served, with a content hash so they can be cached for good. */
export interface AssetUrls {
  css: string;
  htmx: string;
  js: string;
}

/**
 * htmx settings: no eval (`hx-on`, `js:`), no inline <style> (the stylesheet has the indicator rules), no history
 * snapshots in localStorage (a page may show a token once), and 4xx answers swapped so inline errors appear.
 */
export const HTMX_CONFIG = {
  allowEval: false,
  allowScriptTags: false,
  includeIndicatorStyles: false,
  historyCacheSize: 0,
  historyRestoreAsHxRequest: false,
  selfRequestsOnly: true,
  responseHandling: [
    { code: '204', swap: false },
    { code: '[23]..', swap: true },
    { code: '4..', swap: true, error: false },
    { code: '5..', swap: true, error: true },
  ],
};

export type Section = 'dashboard' | 'skills' | 'runs' | 'admin' | 'login';

export interface ShellProps {
  title: string;
  assets: AssetUrls;
  caller?: Caller;
  csrf?: string;
  section?: Section;
  /** Extra head elements (a refresh while a run goes on, for browsers without JavaScript). */
  head?: ComponentChildren;
  children: ComponentChildren;
}

function Nav({ caller, section }: { caller: Caller; section?: Section }) {
  const links: [Section, string, string][] = [
    ['dashboard', '/console', 'Dashboard'],
    ['skills', '/console/skills', 'Skills'],
    ['runs', '/console/runs', 'Runs'],
  ];
  if (hasRole(caller, 'admin')) links.push(['admin', '/console/admin', 'Admin']);
  return (
    <nav aria-label="Console">
      {links.map(([key, href, label]) => (
        <a href={href} aria-current={key === section ? 'page' : undefined}>
          {label}
        </a>
      ))}
    </nav>
  );
}

export function Shell(props: ShellProps) {
  const { caller, csrf, assets } = props;
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="same-origin" />
        <link rel="icon" href="data:," />
        <title>{`${props.title} · open-skills`}</title>
        <link rel="stylesheet" href={assets.css} />
        <meta name="htmx-config" content={JSON.stringify(HTMX_CONFIG)} />
        <script src={assets.htmx} defer />
        <script src={assets.js} defer />
        {props.head}
      </head>
      <body>
        <header class="topbar">
          <a class="brand" href="/console">
            open-skills
          </a>
          {caller && <Nav caller={caller} section={props.section} />}
          {caller && csrf && (
            <form class="whoami" method="post" action="/console/logout">
              <span title={`organisation ${caller.orgId}`}>
                {caller.userId} · {caller.orgId} · <span class="role">{caller.role}</span>
              </span>
              <CsrfField token={csrf} />
              <button type="submit" class="link">
                Log out
              </button>
            </form>
          )}
        </header>
        <main id="main">
          <div id="flash" aria-live="polite" />
          {props.children}
        </main>
      </body>
    </html>
  );
}
