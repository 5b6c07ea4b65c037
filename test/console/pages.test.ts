/**
 * What console pages show: the dashboard's figures from the stats module, pages of skills and runs (never the
 * whole table), htmx fragments, escaped text and sanitised Markdown.
 */
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../views/markdown.ts';
import { createTestApp, publishSkill, type TestApp } from '../helpers/app.ts';
import { runnableSkill } from '../helpers/bundles.ts';
import { backends } from '../helpers/db.ts';
import { type ConsoleSession, consoleRequest, sessionFor } from './helpers.ts';

const HOUR = 3600_000;

describe.each(backends)('console pages on %s', (backend) => {
  let t: TestApp;
  let alice: ConsoleSession;
  const caller = (userId: string, role: 'admin' | 'viewer') => ({ userId, orgId: 'acme', role, tokenId: 't' });

  /** A finished run row, `hoursAgo` before now, as the run service writes them. */
  async function insertRun(user: string, status: string, hoursAgo: number, durationMs: number | null, org = 'acme') {
    const id = uuidv7();
    const created = new Date(t.clock.now().getTime() - hoursAgo * HOUR);
    await t.db.query(
      `insert into skill_runs (id, org_id, user_id, status, created_at, duration_ms, kind, skill_name, logs)
       values ($1, $2, $3, $4, $5, $6, 'skill', 'inserted', '[]')`,
      [id, org, user, status, created, durationMs],
    );
    return id;
  }

  beforeAll(async () => {
    t = await createTestApp(backend);
    alice = await sessionFor(t, 'alice', 'acme', 'admin');
    for (const ms of [100, 200, 300]) await insertRun('alice', 'succeeded', 0, ms);
    const failed = await insertRun('alice', 'failed', 2, 1000);
    await insertRun('alice', 'running', 0, null);
    await insertRun('alice', 'succeeded', 30, 5); // before the window
    await insertRun('vic', 'succeeded', 1, 50);
    await insertRun('eve', 'succeeded', 0, 50, 'other');
    await t.db.query(
      `insert into skill_artifacts (id, run_id, org_id, name, storage_url, mime_type, checksum, size_bytes)
       values ($1, $2, 'acme', 'a.txt', 'x', 'text/plain', 'c', 1500)`,
      [uuidv7(), failed],
    );
  });
  afterAll(() => t.close());

  it('computes the dashboard figures over the window, as the caller may see them', async () => {
    const overview = await t.app.services.stats.overview(caller('alice', 'admin'), { hours: 24 });
    expect(overview.runs.total).toBe(6);
    expect(overview.runs.by_status).toEqual({ succeeded: 4, failed: 1, running: 1 });
    expect(overview.runs.success_rate).toBeCloseTo(4 / 5);
    expect(overview.runs.failure_rate).toBeCloseTo(1 / 5);
    // Durations 50, 100, 200, 300, 1000: the mean, the median and the 95th percentile (linear interpolation).
    expect(overview.runs.latency_ms).toEqual({ avg: 330, p50: 200, p95: 860 });
    expect(overview.runs.by_hour).toHaveLength(24);
    expect(overview.runs.by_hour.at(-1)!.counts).toEqual({ succeeded: 3, running: 1 });
    expect(overview.runs.by_hour.at(-2)!.counts).toEqual({ succeeded: 1 });
    expect(overview.runs.by_hour.at(-3)!.counts).toEqual({ failed: 1 });
    expect(overview.artifacts).toEqual({ count: 1, bytes: 1500 });

    const viewer = await t.app.services.stats.overview(caller('vic', 'viewer'), { hours: 24 });
    expect(viewer.runs.by_status).toEqual({ succeeded: 1 });
    expect(viewer.artifacts).toEqual({ count: 0, bytes: 0 });

    const page = await (await consoleRequest(t, '/console', { session: alice })).text();
    expect(page).toContain('class="runs-chart"');
    expect(page).toContain('class="fill-failed"');
    expect(page).toContain('80.0 %');
  });

  it('lists runs a page at a time, with filters', async () => {
    for (let i = 0; i < 25; i++) await insertRun('alice', 'cancelled', 3, 1);
    const first = await (await consoleRequest(t, '/console/runs', { session: alice })).text();
    expect(first.match(/href="\/console\/runs\/[0-9a-f-]{36}"/g)).toHaveLength(25);
    const next = /href="(\/console\/runs\?cursor=[^"]+)"/.exec(first)![1]!.replaceAll('&amp;', '&');
    const second = await (await consoleRequest(t, next, { session: alice })).text();
    expect(second.match(/href="\/console\/runs\/[0-9a-f-]{36}"/g)).toHaveLength(7);
    const failed = await (await consoleRequest(t, '/console/runs?status=failed&window=24h', { session: alice })).text();
    expect(failed.match(/href="\/console\/runs\/[0-9a-f-]{36}"/g)).toHaveLength(1);
    // htmx asks for the results only.
    const fragment = await consoleRequest(t, '/console/runs?status=failed', {
      session: alice,
      headers: { 'hx-request': 'true' },
    });
    const html = await fragment.text();
    expect(html.startsWith('<div id="run-results">')).toBe(true);
    expect(html).not.toContain('<html');
  });

  it('lists skills a page at a time and escapes what authors wrote', async () => {
    for (let i = 0; i < 22; i++) {
      const res = await t.request('/skills', {
        method: 'POST',
        json: { name: `skill-${i}`, description: `number ${i}` },
      });
      expect(res.status).toBe(201);
    }
    await t.request('/skills', {
      method: 'POST',
      json: { name: 'sneaky', description: '<img src=x onerror=alert(1)><script>alert(2)</script>' },
    });
    const first = await (await consoleRequest(t, '/console/skills', { session: alice })).text();
    expect(first.match(/class="skill-name"/g)).toHaveLength(20);
    expect(first).toContain('&lt;img src=x onerror=alert(1)>&lt;script>alert(2)&lt;/script>');
    expect(first).not.toContain('<img src=x');
    const next = /href="(\/console\/skills\?cursor=[^"]+)"/.exec(first)![1]!.replaceAll('&amp;', '&');
    const second = await (await consoleRequest(t, next, { session: alice })).text();
    expect(second.match(/class="skill-name"/g)).toHaveLength(3);
    expect(second).not.toContain('rel="next"');
    const empty = await (await consoleRequest(t, '/console/skills?tag=nothing-has-this', { session: alice })).text();
    expect(empty).toContain('No skills match');
  });

  it('works without JavaScript: Try it redirects to the run page, which refreshes itself while the run goes on', async () => {
    const { version } = await publishSkill(t, runnableSkill('hello'), 'hello');
    const res = await consoleRequest(t, '/console/skills/hello/run', {
      session: alice,
      form: { version_id: version.id, input_json: '{"name": "Ada"}' },
    });
    expect(res.status).toBe(303);
    const location = res.headers.get('location')!;
    expect(location).toMatch(/^\/console\/runs\/[0-9a-f-]{36}$/);
    await t.app.services.runs.drain();
    const done = await (await consoleRequest(t, location, { session: alice })).text();
    expect(done).toContain('&quot;hello&quot;: &quot;Ada&quot;');
    expect(done).not.toContain('http-equiv="refresh"');
    const running = await insertRun('alice', 'running', 0, null);
    const live = await (await consoleRequest(t, `/console/runs/${running}`, { session: alice })).text();
    expect(live).toContain('<noscript><meta http-equiv="refresh" content="2"/></noscript>');
    expect(live).toContain(`data-events="/console/runs/${running}/events"`);

    // With htmx, inputs to fix come back as a notice under the form; the file tree's links fetch the viewer alone.
    const bad = await consoleRequest(t, '/console/skills/hello/run', {
      session: alice,
      form: { version_id: version.id, input_json: '{not json' },
      headers: { 'hx-request': 'true' },
    });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/^<div class="notice notice-error" role="alert">Some inputs need fixing/);
    const viewer = await consoleRequest(
      t,
      `/console/skills/hello?version=${version.id}&file=scripts%2Fmain.ts&fragment=file`,
      { session: alice, headers: { 'hx-request': 'true' } },
    );
    const fragment = await viewer.text();
    expect(fragment.startsWith('<div id="file-viewer" class="file-viewer">')).toBe(true);
    expect(fragment).toContain('export default async function run');
  });

  it('renders Markdown without scripts, handlers or javascript: URLs, and links bundle files to the viewer', () => {
    const html = renderMarkdown(
      [
        '# Title <script>alert(1)</script>',
        '<img src="https://example.com/x.png" onerror="alert(2)">',
        '[a](javascript:alert(3)) [b](JAVASCRIPT:alert(4)) [c](data:text/html,<script>alert(5)</script>)',
        '<a href="&#106;avascript:alert(6)">d</a> <svg><g onload="alert(7)"/></svg> <iframe src="x"></iframe>',
        '[checklist](references/checklist.md) [site](https://example.com) [mail](mailto:a@example.com)',
        '<div style="background:url(javascript:alert(8))" onclick="alert(9)">e</div>',
      ].join('\n\n'),
      (path) => `/console/skills/x?file=${encodeURIComponent(path)}`,
    );
    expect(html).not.toMatch(/<script|onerror|onload|onclick|javascript:|data:text|<iframe|<svg|style=/i);
    expect(html).toContain('<img src="https://example.com/x.png" />');
    expect(html).toContain('href="/console/skills/x?file=references%2Fchecklist.md"');
    expect(html).toContain('href="https://example.com"');
    expect(html).toContain('href="mailto:a@example.com"');
  });
});
