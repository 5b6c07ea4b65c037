import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import Anthropic from '@anthropic-ai/sdk';
import { serve } from '@hono/node-server';
import OpenAI from 'openai';
import { expect } from 'vitest';
import type { Role } from '../../src/auth/caller.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { type FileMap, skillMd } from '../helpers/bundles.ts';
import type { Backend } from '../helpers/db.ts';

/**
 * The test app served on a random local port, and the official Anthropic and OpenAI SDKs pointed at its
 * compatible APIs with a token for a given identity (alice, admin of acme, by default).
 */
export async function startCompatServer(backend: Backend) {
  const t: TestApp = await createTestApp(backend);
  const server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' });
  await once(server, 'listening');
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const as = async (who: { user?: string; org?: string; role?: Role } = {}) => {
    const token = await t.tokenFor(who.user, who.org, who.role);
    return {
      token,
      anthropic: new Anthropic({ baseURL: `${origin}/compat/anthropic`, apiKey: token, maxRetries: 0 }),
      openai: new OpenAI({ baseURL: `${origin}/compat/openai/v1`, apiKey: token, maxRetries: 0 }),
    };
  };
  const close = async () => {
    await new Promise<void>((done) => server.close(() => done()));
    await t.close();
  };
  return { t, origin, as, close };
}

/** The files of a small instructions-only skill. */
export function skillFiles(name: string, version?: string, body = `# ${name}\n\nDo the ${name} thing.\n`): FileMap {
  return {
    'SKILL.md': skillMd(
      { name, description: `The ${name} skill, for compat tests`, ...(version ? { version } : {}) },
      body,
    ),
    'resources/notes.txt': `notes of ${name}\n`,
  };
}

/** The error a call rejects with, checked to be of `kind` (a vendor SDK's error class). */
export async function rejection<E>(call: Promise<unknown>, kind: abstract new (...args: never[]) => E): Promise<E> {
  const outcome = await call.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(kind);
  return outcome as E;
}

/** The version number of a version object (an open-skills field beyond Anthropic's own type). */
export const versionNumber = (version: object) => (version as { version?: string }).version;
