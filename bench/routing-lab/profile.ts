/** Lab: EXPLAIN ANALYZE of the hybrid search statement on the dev catalog with bodies (PGlite). */
import { openApp, uploadCatalog } from '../routing-app.ts';
import { dev } from '../routing-eval.ts';

const app = await openApp((process.argv[2] as 'pglite' | 'postgres') ?? 'pglite', {
  postgresUrl: process.env['TEST_DATABASE_URL'],
});
await uploadCatalog(app, true);
await app.indexer.idle();
const original = app.db.query.bind(app.db);
let last: { sql: string; params: readonly unknown[] } | undefined;
app.db.query = (async (sql: string, params?: unknown[]) => {
  if (sql.includes('query_terms')) last = { sql, params: params ?? [] };
  return original(sql, params);
}) as typeof app.db.query;
for (const q of dev.queries.slice(0, 1)) {
  await app.post('/skills/search', { query: q.query, top_k: 10 });
  const start = performance.now();
  await original(last!.sql, [...last!.params]);
  console.log(`plain ${(performance.now() - start).toFixed(1)} ms`);
  const plan = await original<{ 'QUERY PLAN': string }>(`explain (analyze, costs off) ${last!.sql}`, [...last!.params]);
  console.log(
    plan
      .map((r) => r['QUERY PLAN'])
      .filter((l) => /CTE|actual time=[0-9.]+\.\.[0-9]{2,}|Execution/.test(l))
      .slice(0, 60)
      .join('\n'),
  );
}
await app.close();
