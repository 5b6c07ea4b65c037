/**
 * Both vendor APIs are views of the one registry: a skill created through one is the same skill through the
 * other, the native API and search; and both page through 120 skills without loss or repetition.
 */
import { toFile as anthropicFile } from '@anthropic-ai/sdk';
import { toFile as openaiFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zipOf } from '../helpers/bundles.ts';
import { backends } from '../helpers/db.ts';
import { skillFiles, startCompatServer } from './helpers.ts';

type Server = Awaited<ReturnType<typeof startCompatServer>>;
type Clients = Awaited<ReturnType<Server['as']>>;

const TOTAL = 120;

describe.each(backends)('one registry behind both vendor APIs on %s', (backend) => {
  let s: Server;
  let c: Clients;

  beforeAll(async () => {
    s = await startCompatServer(backend);
    c = await s.as();
  });
  afterAll(() => s.close());

  it('shows a skill created through Anthropic to OpenAI, to GET /skills and to search', async () => {
    const files = await Promise.all(
      Object.entries(skillFiles('cross-invoice', '1.2.0', '# Invoices\n\nTurn invoices into ledger rows.\n')).map(
        ([path, content]) => anthropicFile(Buffer.from(content), `cross-invoice/${path}`),
      ),
    );
    const created = await c.anthropic.skills.create({ files, display_name: 'Invoice ledger' });
    expect(await c.openai.skills.retrieve(created.id)).toMatchObject({
      id: created.id,
      name: 'cross-invoice',
      latest_version: '1.2.0',
      default_version: '1.2.0',
    });
    const versions = await c.openai.skills.versions.list(created.id);
    expect(versions.data.map((v) => [v.id, v.version])).toEqual([[created.latest_version_id, '1.2.0']]);

    const native = await (await s.t.request('/skills/cross-invoice')).json();
    expect(native).toMatchObject({ id: created.id, display_name: 'Invoice ledger', latest_version: '1.2.0' });

    await s.t.indexed();
    const search = await s.t.request('/skills/search', { method: 'POST', json: { query: 'invoices ledger rows' } });
    const { results } = (await search.json()) as { results: { skill: { name: string } }[] };
    expect(results[0]?.skill.name).toBe('cross-invoice');
  });

  it('shows a skill created through OpenAI to Anthropic', async () => {
    const zip = await openaiFile(Buffer.from(zipOf(skillFiles('cross-slides', '0.3.0'), 'cross-slides')), 'x.zip');
    const created = await c.openai.skills.create({ files: zip });
    const seen = await c.anthropic.skills.retrieve(created.id);
    expect(seen).toMatchObject({ id: created.id, display_name: 'cross-slides', type: 'skill' });
    const version = await c.anthropic.skills.versions.retrieve(seen.latest_version_id, { skill_id: created.id });
    expect(version).toMatchObject({ version: '0.3.0', name: 'cross-slides' });
    // Deleted through Anthropic: gone for OpenAI and the native API too.
    await c.anthropic.skills.delete(created.id);
    expect((await s.t.request(`/skills/${created.id}`)).status).toBe(404);
  });

  it(`pages through ${TOTAL} skills with both SDKs`, async () => {
    const existing = (await (await s.t.request('/skills?limit=100')).json()).data.length as number;
    const names = Array.from({ length: TOTAL - existing }, (_, i) => `page-${String(i).padStart(3, '0')}`);
    for (let i = 0; i < names.length; i += 10) {
      const batch = names.slice(i, i + 10).map((name) => s.t.request('/skills', { method: 'POST', json: { name } }));
      for (const res of await Promise.all(batch)) expect(res.status).toBe(201);
    }

    const first = await c.anthropic.skills.list({ limit: 50 });
    expect(first.data).toHaveLength(50);
    expect(first.hasNextPage()).toBe(true);
    expect(first.next_page).toEqual(expect.any(String));
    const viaAnthropic: string[] = [];
    for await (const skill of c.anthropic.skills.list({ limit: 50 })) viaAnthropic.push(skill.id);
    expect(viaAnthropic).toHaveLength(TOTAL);
    expect(new Set(viaAnthropic).size).toBe(TOTAL);

    const viaOpenAI: string[] = [];
    for await (const skill of c.openai.skills.list({ limit: 50 })) viaOpenAI.push(skill.id);
    expect(viaOpenAI).toEqual(viaAnthropic);
    const ascending: string[] = [];
    for await (const skill of c.openai.skills.list({ limit: 50, order: 'asc' })) ascending.push(skill.id);
    expect(ascending).toEqual([...viaAnthropic].reverse());

    // The list envelope as OpenAI writes it (the SDK's page object keeps only data and has_more).
    const raw = await fetch(`${s.origin}/compat/openai/v1/skills?limit=100`, {
      headers: { authorization: `Bearer ${c.token}` },
    });
    expect(await raw.json()).toMatchObject({
      object: 'list',
      has_more: true,
      first_id: viaAnthropic[0],
      last_id: viaAnthropic[99],
    });
  });
});
