import { expect } from 'vitest';
import { publishSkill, type TestApp } from '../helpers/app.ts';
import { type FileMap, skillMd } from '../helpers/bundles.ts';

/** Files of a skill whose entry `scripts/main.ts` (or `.js`) is `code`. */
export function codeSkill(
  name: string,
  code: string,
  front: Record<string, unknown> = {},
  extra: FileMap = {},
  entry = 'scripts/main.ts',
): FileMap {
  return {
    'SKILL.md': skillMd({
      name,
      description: `The ${name} skill, for run tests`,
      version: '1.0.0',
      entrypoint: entry,
      ...front,
    }),
    [entry]: code,
    ...extra,
  };
}

/** Publishes a skill made by `codeSkill`. */
export const publishCode = (
  t: TestApp,
  name: string,
  code: string,
  front: Record<string, unknown> = {},
  extra: FileMap = {},
) => publishSkill(t, codeSkill(name, code, front, extra), name);

// biome-ignore lint/suspicious/noExplicitAny: run bodies are checked field by field in the tests.
export type Json = any;

/** POST /runs with JSON and the parsed answer. */
export async function run(t: TestApp, body: unknown, as?: NonNullable<Parameters<TestApp['request']>[1]>['as']) {
  const res = await t.request('/runs', { method: 'POST', json: body, as });
  return { status: res.status, body: (await res.json()) as Json };
}

/** Polls GET /runs/{id} until the run has a final status. */
export async function waitForRun(t: TestApp, id: string, timeoutMs = 20_000): Promise<Json> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const body = (await (await t.request(`/runs/${id}`)).json()) as Json;
    if (!['queued', 'running'].includes(body.status)) return body;
    expect(Date.now()).toBeLessThan(until);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Parses a text/event-stream body into events. */
export function parseSse(text: string): { event: string; data: Json }[] {
  return text
    .split('\n\n')
    .filter((block) => block.trim())
    .map((block) => {
      const lines = block.split('\n');
      const event =
        lines
          .find((l) => l.startsWith('event:'))
          ?.slice(6)
          .trim() ?? 'message';
      const data = lines
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).trim())
        .join('\n');
      return { event, data: JSON.parse(data) };
    });
}
