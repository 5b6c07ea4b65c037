/**
 * Console pages at scale: 1,000 skills (each with a published version) and 100,000 runs over the last week (with
 * 20,000 artifacts) in one organisation, then the time to render the dashboard, skill and run lists (first and
 * next page, search, filters), a skill page and a run page, as an admin and as a viewer.
 * Run: npm run bench:console -- [--skills 1000] [--runs 100000] [--no-analyze] [--postgres postgres://...]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../src/api/app.ts';
import { createTokenService } from '../src/auth/tokens.ts';
import { systemClock } from '../src/clock.ts';
import type { Database } from '../src/db/database.ts';
import { migrate } from '../src/db/migrate.ts';
import { createPgliteDatabase } from '../src/db/pglite.ts';
import { createPostgresDatabase } from '../src/db/postgres.ts';
import type { Sandbox } from '../src/runtime/types.ts';
import { createLocalBlobStore } from '../src/storage/local-blob-store.ts';
import { createLogger } from '../src/telemetry/logger.ts';
import { ms, summarize } from './stats.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) =>
  args.includes(`--${name}`) ? (args[args.indexOf(`--${name}`) + 1] ?? fallback) : fallback;
const skills = Number(option('skills', '1000'));
const runs = Number(option('runs', '100000'));
const postgresUrl = args.includes('--postgres') ? option('postgres', '') : undefined;
const ORG = `bench-${Date.now()}`;

/** Skills, versions, runs and artifacts written by SQL in bulk (the services would take minutes for 100,000). */
async function seed(db: Database) {
  await db.query(
    `insert into skills (id, org_id, owner_id, name, description, tags, visibility, created_at, updated_at)
     select gen_random_uuid(), $1, 'admin', 'skill-' || i, 'Converts data number ' || i || ' into a report',
            array['tag-' || (i % 20)], 'org', now() - (i || ' minutes')::interval, now()
     from generate_series(1, $2::int) i`,
    [ORG, skills],
  );
  await db.query(
    `insert into skill_versions (id, skill_id, org_id, name, version, version_major, version_minor, version_patch,
       status, description, instructions, tags, sha256, size_bytes, file_count, created_by, created_at, published_at)
     select gen_random_uuid(), s.id, s.org_id, s.name, '1.0.0', 1, 0, 0, 'published', s.description,
            '# ' || s.name || E'\\n\\nInstructions.', s.tags, md5(s.name), 100, 1, 'admin', s.created_at, now()
     from skills s where s.org_id = $1`,
    [ORG],
  );
  await db.query(
    `insert into skill_files (version_id, path, sha256, size, mime, content)
     select v.id, 'SKILL.md', md5(v.name), 40, 'text/markdown',
            convert_to('---' || E'\\n' || 'name: ' || v.name || E'\\n---\\n', 'UTF8')
     from skill_versions v where v.org_id = $1`,
    [ORG],
  );
  await db.query(
    `with v as (select array_agg(id order by name) as ids, array_agg(skill_id order by name) as skill_ids,
                       array_agg(name order by name) as names from skill_versions where org_id = $1)
     insert into skill_runs (id, org_id, skill_id, skill_version_id, user_id, status, input_json, output_json, logs,
       usage, duration_ms, created_at, started_at, finished_at, skill_name, version, kind)
     select gen_random_uuid(), $1, v.skill_ids[1 + i % $3::int], v.ids[1 + i % $3::int],
            case when i % 10 = 0 then 'viewer' else 'admin' end,
            (array['succeeded','succeeded','succeeded','failed','timed_out','cancelled'])[1 + i % 6],
            '{"n":1}', '{"ok":true}', '[]', '{"wall_ms":5,"cpu_ms":1,"memory_peak_bytes":1000}', 5 + i % 300,
            now() - make_interval(secs => i::float8 * 604800 / $2::int), now(), now(), v.names[1 + i % $3::int],
            '1.0.0', 'skill'
     from generate_series(1, $2::int) i, v`,
    [ORG, runs, skills],
  );
  await db.query(
    `insert into skill_artifacts (id, run_id, org_id, name, storage_url, mime_type, checksum, size_bytes, created_at)
     select gen_random_uuid(), r.id, r.org_id, 'out.txt', 'bench/none', 'text/plain', 'x', 1000, r.created_at
     from skill_runs r where r.org_id = $1 and r.status = 'succeeded' limit $2`,
    [ORG, Math.floor(runs / 5)],
  );
  // Bulk inserts leave the planner without statistics until (auto)analyze runs; a live server would have them.
  if (!args.includes('--no-analyze')) await db.exec('analyze');
  await db.query('insert into skill_permissions (id, user_id, org_id, role) values (gen_random_uuid(), $1, $2, $3)', [
    'viewer',
    ORG,
    'viewer',
  ]);
}

async function bench(name: string, db: Database) {
  await migrate(db);
  const started = performance.now();
  await seed(db);
  console.log(
    `${name}: seeded ${skills} skills and ${runs} runs in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  const tokens = createTokenService('bench-secret-that-is-long-enough-for-hs256', systemClock);
  const artifacts = mkdtempSync(join(tmpdir(), 'os-bench-console-'));
  // Listing runs needs no sandbox; nothing here starts one.
  const sandbox: Sandbox = {
    execute: () => Promise.reject(new Error('no runs in this benchmark')),
    close: async () => {},
  };
  const app = createApp({
    db,
    clock: systemClock,
    logger: createLogger({ level: 'silent' }),
    tokens,
    sandbox,
    blobs: createLocalBlobStore(artifacts),
  });
  for (const [who, role] of [
    ['admin', 'admin'],
    ['viewer', 'viewer'],
  ] as const) {
    const [run] = await db.query<{ id: string }>(
      'select id from skill_runs where org_id = $1 and user_id = $2 limit 1',
      [ORG, who],
    );
    const token = await tokens.issue({ userId: who, orgId: ORG, role });
    const cookie = `os_session=${await app.services.sessions.open(token)}`;
    const get = async (path: string) => {
      const res = await app.request(`http://localhost${path}`, { headers: { cookie } });
      if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
      return res.text();
    };
    const firstSkills = await get('/console/skills');
    const nextSkills = /href="(\/console\/skills\?cursor=[^"]+)"/.exec(firstSkills)?.[1]?.replaceAll('&amp;', '&');
    const firstRuns = await get('/console/runs');
    const nextRuns = /href="(\/console\/runs\?cursor=[^"]+)"/.exec(firstRuns)?.[1]?.replaceAll('&amp;', '&');
    const pages = [
      '/console',
      '/console/skills',
      nextSkills ?? '/console/skills',
      '/console/skills?q=report%20number%20500',
      '/console/skills?tag=tag-3',
      '/console/skills/skill-500',
      '/console/runs',
      nextRuns ?? '/console/runs',
      '/console/runs?status=failed&window=24h',
      '/console/runs?skill=skill-7',
      `/console/runs/${run!.id}`,
    ];
    console.log(`\n${name}, as ${role}:`);
    for (const path of pages) {
      const latencies: number[] = [];
      for (let i = 0; i < 10; i++) {
        const t = performance.now();
        await get(path);
        latencies.push(performance.now() - t);
      }
      const { p50, p95 } = summarize(latencies);
      console.log(`  ${path.replace(/cursor=[^&]+/, 'cursor=…').padEnd(44)} p50 ${ms(p50)}  p95 ${ms(p95)}`);
    }
  }
  rmSync(artifacts, { recursive: true, force: true });
}

const db = postgresUrl ? createPostgresDatabase({ url: postgresUrl }) : await createPgliteDatabase();
try {
  await bench(postgresUrl ? 'postgres' : 'pglite', db);
} finally {
  await db.close();
}
