/** Small pieces every console page uses: badges, times, sizes, empty states, inline errors, pagination. */
import type { ComponentChildren, VNode } from 'preact';
import type { FieldError } from '../src/errors.ts';

export const CsrfField = ({ token }: { token: string }) => <input type="hidden" name="_csrf" value={token} />;

/** A URL with query parameters, leaving out empty ones. */
export function withQuery(path: string, params: Record<string, string | number | undefined | null>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') query.set(key, String(value));
  }
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

export const StatusBadge = ({ status }: { status: string }) => <span class={`badge status-${status}`}>{status}</span>;

/** A time in UTC, to the minute (the full ISO time in the tooltip). */
export function Time({ at }: { at: string | null | undefined }) {
  if (!at) return <span class="muted">—</span>;
  const date = new Date(at);
  return (
    <time dateTime={date.toISOString()} title={date.toISOString()}>
      {date.toISOString().slice(0, 16).replace('T', ' ')} UTC
    </time>
  );
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function Empty({ title, children }: { title: string; children?: ComponentChildren }) {
  return (
    <div class="empty">
      <p class="empty-title">{title}</p>
      {children && <p>{children}</p>}
    </div>
  );
}

/** A message for the whole form or page; `role=alert` so assistive technology reads it at once. */
export function Notice({ kind, children }: { kind: 'error' | 'success' | 'info'; children: ComponentChildren }) {
  return (
    <div class={`notice notice-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}

/** The problems of one form field, shown beside it. */
export function FieldErrors({ id, errors }: { id: string; errors?: FieldError[] }) {
  if (!errors?.length) return null;
  return (
    <ul class="field-errors" id={`${id}-errors`}>
      {errors.map((e) => (
        <li>{e.message}</li>
      ))}
    </ul>
  );
}

/** Errors of one form, by the form field they belong to ('' for the form as a whole). */
export type FormErrors = Record<string, FieldError[]>;

export function NextPage({ href, label = 'Next page' }: { href: string | null; label?: string }) {
  if (!href) return null;
  return (
    <nav class="pager" aria-label="Pages">
      <a href={href} rel="next">
        {label} →
      </a>
    </nav>
  );
}

export const Spinner = ({ id, label = 'Working…' }: { id?: string; label?: string }) => (
  <span class="htmx-indicator spinner" id={id} role="status">
    {label}
  </span>
);

/** JSON, pretty-printed and cut at `maxChars` so a huge value cannot stall the page. */
export function Json({ value, maxChars = 200_000 }: { value: unknown; maxChars?: number }) {
  const text = JSON.stringify(value, null, 2) ?? 'undefined';
  const cut = text.length > maxChars;
  return (
    <>
      <pre class="code json">{cut ? text.slice(0, maxChars) : text}</pre>
      {cut && <p class="muted">Showing the first {maxChars.toLocaleString('en')} characters.</p>}
    </>
  );
}

export function Tags({ tags }: { tags: string[] }) {
  return (
    <span class="tags">
      {tags.map((tag) => (
        <a class="tag" href={withQuery('/console/skills', { tag })}>
          {tag}
        </a>
      ))}
    </span>
  );
}

/** A labelled row of a definition list, for facts about a skill or run. */
export const Fact = ({ label, children }: { label: string; children: ComponentChildren }) => (
  <>
    <dt>{label}</dt>
    <dd>{children}</dd>
  </>
);

/** A column heading; `num` right-aligns it (and its cells carry class "num" themselves). */
export type Column = string | { label: string; num: true };

/**
 * A table of `rows`, or the empty state when there are none: every list of the console is one.
 *
 * @example
 * <Table rows={members} columns={['User', 'Role']} empty="No members" row={(m) => <tr>...</tr>} />
 */
export function Table<T>(props: {
  rows: T[];
  columns: Column[];
  empty: string;
  row: (item: T) => VNode;
  class?: string;
}) {
  if (props.rows.length === 0) return <Empty title={props.empty} />;
  return (
    <table class={props.class}>
      <thead>
        <tr>{props.columns.map((c) => (typeof c === 'string' ? <th>{c}</th> : <th class="num">{c.label}</th>))}</tr>
      </thead>
      <tbody>{props.rows.map(props.row)}</tbody>
    </table>
  );
}
