/** Lab: EXPLAIN ANALYZE of the search statement on an existing database (e.g. a routing_bench scratch database). */
import { createPostgresDatabase } from '../../src/db/postgres.ts';
import { createLocalEmbedder } from '../../src/router/local-embedder.ts';
import { createSearchService } from '../../src/router/search.ts';
import { createLogger } from '../../src/telemetry/logger.ts';
import { dev } from '../routing-eval.ts';

const db = createPostgresDatabase({ url: process.argv[2]! });
const original = db.query.bind(db);
let last: { sql: string; params: readonly unknown[] } | undefined;
db.query = (async (sql: string, params?: unknown[]) => {
  if (sql.includes('query_terms')) last = { sql, params: params ?? [] };
  return original(sql, params);
}) as typeof db.query;
const search = createSearchService({ db, embedder: createLocalEmbedder(), logger: createLogger({ level: 'silent' }) });
const caller = { userId: 'bench', orgId: 'bench', role: 'admin' as const, tokenId: 'x' };
for (const q of dev.queries.slice(0, Number(process.argv[3] ?? 2))) {
  const start = performance.now();
  await search.search(caller, { query: q.query, topK: 5 });
  console.log(`search ${(performance.now() - start).toFixed(1)} ms: ${q.query.slice(0, 60)}`);
  const plan = await original<{ 'QUERY PLAN': string }>(`explain (analyze, costs off) ${last!.sql}`, [...last!.params]);
  console.log(
    plan
      .map((r) => r['QUERY PLAN'])
      .filter((l) => /CTE |actual time=[0-9.]+\.\.[0-9]{2,}|Execution/.test(l))
      .slice(0, 70)
      .join('\n'),
  );
}
await db.close();
