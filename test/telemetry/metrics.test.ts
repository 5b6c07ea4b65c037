/** GET /metrics (admins, or METRICS_TOKEN) and GET /stats (the caller's organisation), through the HTTP API. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { backends } from '../helpers/db.ts';
import { publishCode, run } from '../runs/helpers.ts';

const METRICS_TOKEN = 'scraper-token-0123456789';

describe.each(backends)('metrics and stats (%s)', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend, { deps: { metricsToken: METRICS_TOKEN } });
    await publishCode(t, 'adder', 'export default (input) => ({ sum: input.a + input.b });');
    await publishCode(t, 'thrower', 'export default () => { throw new Error("no"); };');
    expect((await run(t, { skill: 'adder', input: { a: 1, b: 2 } })).body.status).toBe('succeeded');
    expect((await run(t, { skill: 'adder', input: { a: 2, b: 2 } })).body.status).toBe('succeeded');
    expect((await run(t, { skill: 'thrower', input: {} })).body.status).toBe('failed');
  });
  afterAll(() => t.close());

  const scrape = (authorization?: string) =>
    t.app.request('/metrics', { headers: authorization ? { authorization } : {} });

  it('counts runs by status, their durations and HTTP requests by route for an admin', async () => {
    const res = await t.request('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toMatch(/open_skills_runs_total\{status="succeeded"\} 2/);
    expect(text).toMatch(/open_skills_runs_total\{status="failed"\} 1/);
    expect(text).toMatch(/open_skills_run_duration_seconds_count\{status="succeeded"\} 2/);
    expect(text).toMatch(
      /open_skills_http_request_duration_seconds_count\{method="POST",route="\/runs",status="201"\} 3/,
    );
    expect(text).toContain('open_skills_nodejs_eventloop_lag_seconds');
  });

  it('takes METRICS_TOKEN, and refuses other tokens and roles', async () => {
    expect((await scrape(`Bearer ${METRICS_TOKEN}`)).status).toBe(200);
    expect((await scrape()).status).toBe(401);
    expect((await scrape('Bearer not-the-token-at-all')).status).toBe(401);
    expect((await t.request('/metrics', { as: { user: 'vic', role: 'viewer' } })).status).toBe(403);
  });

  it("returns the stats of the caller's organisation only", async () => {
    const res = await t.request('/stats?hours=2');
    expect(res.status).toBe(200);
    const stats = (await res.json()) as {
      runs: {
        total: number;
        by_hour: unknown[];
        success_rate: number;
        failure_rate: number;
        latency_ms: { avg: number };
      };
    };
    expect(stats.runs.total).toBe(3);
    expect(stats.runs.by_hour).toHaveLength(2);
    expect(stats.runs.success_rate).toBeCloseTo(2 / 3);
    expect(stats.runs.failure_rate).toBeCloseTo(1 / 3);
    expect(stats.runs.latency_ms.avg).toBeGreaterThanOrEqual(0);
    const other = (await (await t.request('/stats', { as: { user: 'mallory', org: 'globex' } })).json()) as {
      runs: { total: number };
    };
    expect(other.runs.total).toBe(0);
    expect((await t.request('/stats?hours=100000')).status).toBe(400);
  });
});
