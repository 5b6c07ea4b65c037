/**
 * The security matrix: every route of the OpenAPI document, called through the HTTP API by every kind of caller
 * (no token, viewer, author, publisher, admin, an admin of another organisation), against the expectation table
 * below. A route without a row here fails the test, so a new route cannot ship without its expectations.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../src/api/openapi.ts';
import type { Role } from '../../src/auth/caller.ts';
import { createTestApp, publishSkill, type TestApp } from '../helpers/app.ts';
import { bundleForm, runnableSkill, zipOf } from '../helpers/bundles.ts';
import { backends } from '../helpers/db.ts';
import { codeSkill, type Json, run } from '../runs/helpers.ts';

const PUBLIC = new Set([
  '/healthz',
  '/readyz',
  '/openapi.json',
  '/docs',
  // The well-known skills index: public skills only, tested in test/agents/well-known.test.ts.
  '/.well-known/agent-skills/index.json',
  '/.well-known/agent-skills/{name}/{path}',
  '/orgs/{org}/.well-known/agent-skills/index.json',
  '/orgs/{org}/.well-known/agent-skills/{name}/{path}',
]);

const WHO = {
  viewer: { user: 'vic', role: 'viewer' },
  author: { user: 'ann', role: 'author' },
  publisher: { user: 'pat', role: 'publisher' },
  admin: { user: 'alice', role: 'admin' },
  outsider: { user: 'mallory', org: 'globex', role: 'admin' },
} as const satisfies Record<string, { user: string; org?: string; role: Role }>;
type Who = keyof typeof WHO;

/** Allowed (a 2xx, or the status named), or refused with this status. */
const OK = 'ok' as const;
type Outcome = typeof OK | 401 | 403 | 404;
type Expectation = Record<Who, Outcome>;

const EVERYONE: Expectation = { viewer: OK, author: OK, publisher: OK, admin: OK, outsider: OK };
/** acme's resources: any member of acme, never another organisation. */
const MEMBERS: Expectation = { ...EVERYONE, outsider: 404 };
const ORG_ADMIN: Expectation = { viewer: 403, author: 403, publisher: 403, admin: OK, outsider: 404 };
/** Something of alice's that only she and admins see (her run, her token). */
const HERS: Expectation = { viewer: 404, author: 404, publisher: 404, admin: OK, outsider: 404 };
/** Acting in the caller's own organisation: admins only. */
const OWN_ORG_ADMIN: Expectation = { viewer: 403, author: 403, publisher: 403, admin: OK, outsider: OK };

interface Fixtures {
  skillId: string;
  versionId: string;
  runId: string;
  artifactId: string;
  /** Fresh objects for the calls that change or remove them. */
  fresh: {
    skill(): Promise<string>;
    draft(): Promise<string>;
    published(): Promise<string>;
    /** A new published skill: its name, id and its version's id. */
    publishedSkill(): Promise<{ name: string; skillId: string; versionId: string }>;
    token(): Promise<string>;
    member(): Promise<string>;
    secret(): Promise<string>;
    label(): Promise<string>;
  };
  unique(prefix: string): string;
}

interface Call {
  path: string;
  json?: unknown;
  body?: FormData;
  headers?: Record<string, string>;
  /** The status that counts as allowed when not a 2xx (cancelling a finished run is a 409). */
  allowed?: number;
}

type Row = { expect: Expectation; call: (fx: Fixtures) => Promise<Call> | Call };

/** Paths of the vendor-compatible APIs, which answer refusals in their vendor's JSON envelope. */
const COMPAT = /^\/compat\/(anthropic|openai)\//;
const ANTHROPIC = '/compat/anthropic/v1/skills';
const OPENAI = '/compat/openai/v1/skills';

/** An upload of `name` at `version` as both SDKs send one: files under one folder (files[]), or one zip (files). */
function compatUpload(name: string, version: string, as: 'files[]' | 'zip'): FormData {
  const body = new FormData();
  const files = runnableSkill(name, version);
  if (as === 'zip') {
    body.set('files', new File([zipOf(files, name) as Uint8Array<ArrayBuffer>], `${name}.zip`));
    return body;
  }
  for (const [path, content] of Object.entries(files)) {
    body.append('files[]', new File([content as string | Uint8Array<ArrayBuffer>], `${name}/${path}`));
  }
  return body;
}

/** The same expectations for both vendor APIs, which map onto the same registry calls. */
function compatRows(): Record<string, Row> {
  const EDIT_VERSIONS: Expectation = { viewer: 403, author: 403, publisher: OK, admin: OK, outsider: 404 };
  const DELETE_SKILL: Expectation = { viewer: 403, author: 403, publisher: 403, admin: OK, outsider: 404 };
  const rows: Record<string, Row> = {};
  for (const [base, upload] of [
    [ANTHROPIC, 'files[]'],
    [OPENAI, 'zip'],
  ] as const) {
    Object.assign(rows, {
      [`POST ${base}`]: {
        expect: { ...EVERYONE, viewer: 403 },
        call: (fx) => {
          const name = fx.unique('compat-');
          return { path: base, body: compatUpload(name, '1.0.0', upload) };
        },
      },
      [`GET ${base}`]: { expect: EVERYONE, call: () => ({ path: base }) },
      [`GET ${base}/{skill_id}`]: { expect: MEMBERS, call: (fx) => ({ path: `${base}/${fx.skillId}` }) },
      [`DELETE ${base}/{skill_id}`]: {
        expect: DELETE_SKILL,
        call: async (fx) => ({ path: `${base}/${await fx.fresh.skill()}` }),
      },
      // A fresh skill: a publisher's upload here publishes, and publishing a skill's version shows its runs.
      [`POST ${base}/{skill_id}/versions`]: {
        expect: EDIT_VERSIONS,
        call: async (fx) => {
          const { name, skillId } = await fx.fresh.publishedSkill();
          return { path: `${base}/${skillId}/versions`, body: compatUpload(name, '3.0.0', upload) };
        },
      },
      [`GET ${base}/{skill_id}/versions`]: {
        expect: MEMBERS,
        call: (fx) => ({ path: `${base}/${fx.skillId}/versions` }),
      },
      [`GET ${base}/{skill_id}/versions/{version}`]: {
        expect: MEMBERS,
        call: (fx) => ({ path: `${base}/${fx.skillId}/versions/${fx.versionId}` }),
      },
      [`DELETE ${base}/{skill_id}/versions/{version}`]: {
        expect: EDIT_VERSIONS,
        call: async (fx) => {
          const { skillId, versionId } = await fx.fresh.publishedSkill();
          return { path: `${base}/${skillId}/versions/${versionId}` };
        },
      },
      [`GET ${base}/{skill_id}/versions/{version}/content`]: {
        expect: MEMBERS,
        call: (fx) => ({ path: `${base}/${fx.skillId}/versions/1.0.0/content` }),
      },
    } satisfies Record<string, Row>);
  }
  rows[`POST ${OPENAI}/{skill_id}`] = {
    expect: EDIT_VERSIONS,
    call: (fx) => ({ path: `${OPENAI}/${fx.skillId}`, json: { default_version: '1.0.0' } }),
  };
  rows[`GET ${OPENAI}/{skill_id}/content`] = {
    expect: MEMBERS,
    call: (fx) => ({ path: `${OPENAI}/${fx.skillId}/content` }),
  };
  return rows;
}

const ROUTES: Record<string, Row> = {
  'GET /me': { expect: EVERYONE, call: () => ({ path: '/me' }) },
  // Server-wide figures: an admin of any organisation (or METRICS_TOKEN).
  'GET /metrics': { expect: OWN_ORG_ADMIN, call: () => ({ path: '/metrics' }) },
  // The caller's own organisation's figures.
  'GET /stats': { expect: EVERYONE, call: () => ({ path: '/stats' }) },
  'POST /skills/search': { expect: EVERYONE, call: () => ({ path: '/skills/search', json: { query: 'matrix' } }) },
  'POST /skills/select': { expect: EVERYONE, call: () => ({ path: '/skills/select', json: { query: 'matrix' } }) },
  'POST /skills': {
    expect: { ...EVERYONE, viewer: 403 },
    call: (fx) => ({ path: '/skills', json: { name: fx.unique('created') } }),
  },
  'GET /skills': { expect: EVERYONE, call: () => ({ path: '/skills' }) },
  'GET /skills/{id}': { expect: MEMBERS, call: (fx) => ({ path: `/skills/${fx.skillId}` }) },
  'PATCH /skills/{id}': {
    expect: { viewer: 403, author: 403, publisher: OK, admin: OK, outsider: 404 },
    call: (fx) => ({ path: `/skills/${fx.skillId}`, json: { description: 'Changed by the matrix' } }),
  },
  'DELETE /skills/{id}': {
    expect: { viewer: 403, author: 403, publisher: 403, admin: OK, outsider: 404 },
    call: async (fx) => ({ path: `/skills/${await fx.fresh.skill()}` }),
  },
  'GET /skills/{id}/versions': { expect: MEMBERS, call: (fx) => ({ path: `/skills/${fx.skillId}/versions` }) },
  'POST /skills/{id}/versions': {
    expect: { viewer: 403, author: 403, publisher: OK, admin: OK, outsider: 404 },
    call: (fx) => ({
      path: `/skills/${fx.skillId}/versions`,
      body: bundleForm(zipOf(runnableSkill('matrix-skill'), 'matrix-skill'), { version: fx.unique('2.0.') }),
    }),
  },
  'GET /skills/{id}/versions/{version}': {
    expect: MEMBERS,
    call: (fx) => ({ path: `/skills/${fx.skillId}/versions/latest` }),
  },
  'GET /skills/{id}/versions/{version}/content': {
    expect: MEMBERS,
    call: (fx) => ({ path: `/skills/${fx.skillId}/versions/latest/content` }),
  },
  'PUT /skills/{id}/labels/{label}': {
    expect: { viewer: 403, author: 403, publisher: OK, admin: OK, outsider: 404 },
    call: (fx) => ({ path: `/skills/${fx.skillId}/labels/${fx.unique('label-')}`, json: { version: 'latest' } }),
  },
  'DELETE /skills/{id}/labels/{label}': {
    expect: { viewer: 403, author: 403, publisher: OK, admin: OK, outsider: 404 },
    call: async (fx) => ({ path: `/skills/${fx.skillId}/labels/${await fx.fresh.label()}` }),
  },
  'POST /skills/{id}/triggers': {
    expect: MEMBERS,
    call: (fx) => ({ path: `/skills/${fx.skillId}/triggers`, json: { suite: { should_trigger: ['matrix skill'] } } }),
  },
  'POST /skills/import': {
    expect: { ...EVERYONE, viewer: 403 },
    call: (fx) => {
      const name = fx.unique('imported-');
      const body = new FormData();
      body.set('archive', new File([zipOf(runnableSkill(name), name) as Uint8Array<ArrayBuffer>], 'skills.zip'));
      return { path: '/skills/import', body };
    },
  },
  'GET /skill-versions/{id}/files/{path}': {
    expect: MEMBERS,
    call: (fx) => ({ path: `/skill-versions/${fx.versionId}/files/SKILL.md` }),
  },
  'GET /skill-versions/{id}': { expect: MEMBERS, call: (fx) => ({ path: `/skill-versions/${fx.versionId}` }) },
  'POST /skill-versions/{id}/publish': {
    // A draft is invisible to viewers and to authors who did not upload it.
    expect: { viewer: 404, author: 404, publisher: OK, admin: OK, outsider: 404 },
    call: async (fx) => ({ path: `/skill-versions/${await fx.fresh.draft()}/publish` }),
  },
  'POST /skill-versions/{id}/deprecate': {
    expect: { viewer: 403, author: 403, publisher: OK, admin: OK, outsider: 404 },
    call: async (fx) => ({ path: `/skill-versions/${await fx.fresh.published()}/deprecate` }),
  },
  'GET /skill-versions/{id}/content': {
    expect: MEMBERS,
    call: (fx) => ({ path: `/skill-versions/${fx.versionId}/content` }),
  },
  'POST /skills/prompt': { expect: EVERYONE, call: () => ({ path: '/skills/prompt', json: {} }) },
  'GET /skills/{id}/prompt': { expect: MEMBERS, call: (fx) => ({ path: `/skills/${fx.skillId}/prompt` }) },
  'POST /runs': { expect: MEMBERS, call: (fx) => ({ path: '/runs', json: { skill: fx.skillId, input: {} } }) },
  'GET /runs': { expect: EVERYONE, call: () => ({ path: '/runs' }) },
  'GET /runs/{id}': { expect: HERS, call: (fx) => ({ path: `/runs/${fx.runId}` }) },
  'POST /runs/{id}/cancel': { expect: HERS, call: (fx) => ({ path: `/runs/${fx.runId}/cancel`, allowed: 409 }) },
  'GET /runs/{id}/events': { expect: HERS, call: (fx) => ({ path: `/runs/${fx.runId}/events` }) },
  'GET /runs/{id}/artifacts': { expect: HERS, call: (fx) => ({ path: `/runs/${fx.runId}/artifacts` }) },
  'GET /skills/{id}/runs': { expect: MEMBERS, call: (fx) => ({ path: `/skills/${fx.skillId}/runs` }) },
  'GET /artifacts/{id}': { expect: HERS, call: (fx) => ({ path: `/artifacts/${fx.artifactId}` }) },
  'PUT /orgs/{org}/secrets/{name}': {
    expect: ORG_ADMIN,
    call: (fx) => ({ path: `/orgs/acme/secrets/${fx.unique('S')}`, json: { value: 'matrix-value' } }),
  },
  'GET /orgs/{org}/secrets': { expect: ORG_ADMIN, call: () => ({ path: '/orgs/acme/secrets' }) },
  'DELETE /orgs/{org}/secrets/{name}': {
    expect: ORG_ADMIN,
    call: async (fx) => ({ path: `/orgs/acme/secrets/${await fx.fresh.secret()}` }),
  },
  'PUT /secrets/{name}': {
    expect: OWN_ORG_ADMIN,
    call: (fx) => ({ path: `/secrets/${fx.unique('S')}`, json: { value: 'matrix-value' } }),
  },
  'GET /secrets': { expect: OWN_ORG_ADMIN, call: () => ({ path: '/secrets' }) },
  'DELETE /secrets/{name}': {
    // The legacy routes act in the caller's organisation, where acme's secret does not exist.
    expect: { ...OWN_ORG_ADMIN, outsider: 404 },
    call: async (fx) => ({ path: `/secrets/${await fx.fresh.secret()}` }),
  },
  'POST /tokens': { expect: EVERYONE, call: () => ({ path: '/tokens', json: { name: 'matrix' } }) },
  'GET /tokens': { expect: EVERYONE, call: () => ({ path: '/tokens' }) },
  'DELETE /tokens/{id}': { expect: HERS, call: async (fx) => ({ path: `/tokens/${await fx.fresh.token()}` }) },
  'GET /orgs/{org}/members': { expect: ORG_ADMIN, call: () => ({ path: '/orgs/acme/members' }) },
  'GET /orgs/{org}/members/{user}': {
    expect: ORG_ADMIN,
    call: async (fx) => ({ path: `/orgs/acme/members/${await fx.fresh.member()}` }),
  },
  'PUT /orgs/{org}/members/{user}': {
    expect: ORG_ADMIN,
    call: (fx) => ({ path: `/orgs/acme/members/${fx.unique('user')}`, json: { role: 'viewer' } }),
  },
  'DELETE /orgs/{org}/members/{user}': {
    expect: ORG_ADMIN,
    call: async (fx) => ({ path: `/orgs/acme/members/${await fx.fresh.member()}` }),
  },
  'GET /audit': { expect: OWN_ORG_ADMIN, call: () => ({ path: '/audit' }) },
  ...compatRows(),
  // Every caller speaks MCP; what it reaches is their own organisation's (test/agents/mcp.test.ts).
  'POST /mcp': {
    expect: EVERYONE,
    call: () => ({
      path: '/mcp',
      json: { jsonrpc: '2.0', id: 1, method: 'tools/list' },
      headers: { accept: 'application/json, text/event-stream' },
    }),
  },
};

/** Every operation of the OpenAPI document that needs a token, as `METHOD /path/{param}`. */
function documentedRoutes(): string[] {
  const doc = buildOpenApiDocument() as unknown as { paths: Record<string, Record<string, unknown>> };
  return Object.entries(doc.paths)
    .filter(([path]) => !PUBLIC.has(path))
    .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`));
}

const ROUTE_CASES = documentedRoutes();
const CASES = ROUTE_CASES.flatMap((route) => (Object.keys(WHO) as Who[]).map((who) => ({ route, who })));

/** Refusals are problem+json, except in the vendor-compatible APIs (their vendor's JSON envelope). */
const errorMediaType = (path: string) => (COMPAT.test(path) ? 'application/json' : 'application/problem+json');

/** The route template as a pattern, to check a call really is that route. */
const templateOf = (route: string) => {
  const path = route.split(' ')[1]!;
  return new RegExp(`^${path.replace(/\{path\}/, '.+').replace(/\{[^}]+\}/g, '[^/]+')}$`);
};

describe.each(backends)('security matrix on %s', (backend) => {
  let t: TestApp;
  let fx: Fixtures;
  const asAdmin = async (path: string, init: Parameters<TestApp['request']>[1] = {}) => {
    const res = await t.request(path, init);
    if (res.status >= 300)
      throw new Error(`fixture ${init.method ?? 'GET'} ${path}: ${res.status} ${await res.text()}`);
    return res.status === 204 ? undefined : ((await res.json()) as Json);
  };

  beforeAll(async () => {
    t = await createTestApp(backend);
    const writer = "export default async (_: any, ctx: any) => { await ctx.artifacts.write('a.txt', 'x'); return 1; };";
    const published = await publishSkill(t, codeSkill('matrix-skill', writer), 'matrix-skill');
    const ran = await run(t, { skill: 'matrix-skill', input: {} });
    expect(ran.body.status).toBe('succeeded');
    let n = 0;
    const unique = (prefix: string) => `${prefix}${++n}`;
    const newSkill = async (publish: boolean) => (await newSkillWithVersion(publish)).versionId;
    const newSkillWithVersion = async (publish: boolean) => {
      const name = unique('fresh-');
      const { skill, version } = await publishSkill(t, runnableSkill(name), name, publish);
      return { name, skillId: skill.id as string, versionId: version.id as string };
    };
    fx = {
      skillId: published.skill.id,
      versionId: published.version.id,
      runId: ran.body.id,
      artifactId: ran.body.artifacts[0].id,
      unique,
      fresh: {
        skill: async () => (await asAdmin('/skills', { method: 'POST', json: { name: unique('gone-') } })).id,
        draft: () => newSkill(false),
        published: () => newSkill(true),
        publishedSkill: () => newSkillWithVersion(true),
        token: async () => (await asAdmin('/tokens', { method: 'POST', json: { name: unique('t') } })).id,
        member: async () => {
          const user = unique('member');
          await asAdmin(`/orgs/acme/members/${user}`, { method: 'PUT', json: { role: 'viewer' } });
          return user;
        },
        label: async () => {
          const label = unique('label-');
          await asAdmin(`/skills/${published.skill.id}/labels/${label}`, {
            method: 'PUT',
            json: { version: 'latest' },
          });
          return label;
        },
        secret: async () => {
          const name = unique('S');
          await asAdmin(`/orgs/acme/secrets/${name}`, { method: 'PUT', json: { value: 'matrix-value' } });
          return name;
        },
      },
    };
  });
  afterAll(() => t.close());

  it('has an expectation for every documented route, and no expectation for a route that is gone', () => {
    expect(ROUTE_CASES.filter((route) => !ROUTES[route])).toEqual([]);
    expect(Object.keys(ROUTES).filter((route) => !ROUTE_CASES.includes(route))).toEqual([]);
  });

  it.each(ROUTE_CASES)('%s answers 401 problem+json without a token', async (route) => {
    const [method] = route.split(' ');
    const call = await ROUTES[route]!.call(fx);
    const res = await t.app.request(call.path, { method });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toContain(errorMediaType(call.path));
  });

  it.each(CASES)('$route as $who', async ({ route, who }) => {
    const row = ROUTES[route];
    if (!row) return; // reported by the coverage test above
    const [method] = route.split(' ');
    const call = await row.call(fx);
    expect(call.path.split('?')[0]).toMatch(templateOf(route));
    const res = await t.request(call.path, {
      method,
      json: call.json,
      body: call.body,
      headers: call.headers,
      as: WHO[who],
    });
    const outcome = row.expect[who];
    const detail = `${route} as ${who}: ${res.status} ${res.status >= 400 ? await res.clone().text() : ''}`;
    if (outcome === OK) {
      expect(res.status < 300 || res.status === call.allowed, detail).toBe(true);
    } else {
      expect(res.status, detail).toBe(outcome);
      expect(res.headers.get('content-type')).toContain(errorMediaType(call.path));
    }
    await res.body?.cancel();
  });
});
