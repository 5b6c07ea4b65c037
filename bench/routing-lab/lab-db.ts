import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Database } from '../../src/db/database.ts';
import { createPgliteDatabase } from '../../src/db/pglite.ts';
import { createPostgresDatabase } from '../../src/db/postgres.ts';
import { type Embedder, toVectorLiteral } from '../../src/router/embedder.ts';
import { skillSearchText } from '../../src/router/text.ts';

export interface LabSkill {
  name: string;
  description: string;
  tags: string[];
}
export interface LabQuery {
  query: string;
  expected: string;
  also_ok: string[];
}

const EVAL_DIR = '/work/shared/eval/routing';
const MIGRATION = new URL('../../src/db/migrations/003_search.sql', import.meta.url);

export function loadDevSet(): { skills: LabSkill[]; queries: LabQuery[] } {
  return {
    skills: JSON.parse(readFileSync(`${EVAL_DIR}/catalog.json`, 'utf8')),
    queries: JSON.parse(readFileSync(`${EVAL_DIR}/queries.json`, 'utf8')),
  };
}

/** The columns of migration 001's skill_versions that search reads; nothing else. */
const MINIMAL_TABLE = `
create extension if not exists vector;
create extension if not exists pg_trgm;
drop table if exists skill_versions;
create table skill_versions (
  id uuid primary key, skill_id uuid not null, name text not null, description text not null,
  tags text[] not null default '{}', status text not null default 'draft', version text not null default '1.0.0',
  inputs jsonb, outputs jsonb,
  embedding vector, embedding_model text, search tsvector
);`;

/** A fresh database: in-memory PGlite, or the database `routing_lab` on a PostgreSQL server (created if missing). */
export async function openLabDatabase(postgresUrl?: string): Promise<Database> {
  let db: Database;
  if (postgresUrl) {
    const admin = createPostgresDatabase({ url: postgresUrl, maxConnections: 1 });
    const exists = await admin.query(`select 1 from pg_database where datname = 'routing_lab'`);
    if (exists.length === 0) await admin.exec('create database routing_lab');
    await admin.close();
    db = createPostgresDatabase({ url: postgresUrl.replace(/\/[^/]*$/, '/routing_lab'), maxConnections: 1 });
  } else {
    db = await createPgliteDatabase();
  }
  await db.exec(MINIMAL_TABLE);
  await db.exec(readFileSync(MIGRATION, 'utf8'));
  return db;
}

/** Inserts published versions with embeddings, in batches; returns how long embedding took. */
export async function insertSkills(db: Database, skills: readonly LabSkill[], embedder: Embedder): Promise<number> {
  let embedMs = 0;
  for (let i = 0; i < skills.length; i += 500) {
    const batch = skills.slice(i, i + 500);
    const start = performance.now();
    const vectors = await embedder.embed(batch.map(skillSearchText));
    embedMs += performance.now() - start;
    await db.query(
      `insert into skill_versions (id, skill_id, name, description, tags, status, embedding, embedding_model)
       select u.id, u.id, u.name, u.description, array(select jsonb_array_elements_text(u.tags)), 'published',
         u.embedding::vector, $2
       from jsonb_to_recordset($1::text::jsonb) as u(id uuid, name text, description text, tags jsonb, embedding text)`,
      [
        JSON.stringify(
          batch.map((s, j) => ({ ...s, id: randomUUID(), embedding: toVectorLiteral(vectors[j] as number[]) })),
        ),
        embedder.key,
      ],
    );
  }
  await db.exec('analyze skill_versions');
  return embedMs;
}
