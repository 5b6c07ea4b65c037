/**
 * Dev-set evaluation of the router: top-1, top-3, MRR and latency per channel and for the hybrid.
 * Usage: npx tsx bench/routing-lab/eval.ts [--postgres postgres://...] [--dims 1024] [--word-share 0.5]
 */
import { parseArgs } from 'node:util';
import { createLocalEmbedder } from '../../src/router/local-embedder.ts';
import {
  buildHybridSearch,
  type Fusion,
  type HybridSearchRow,
  type SearchChannel,
} from '../../src/router/search-sql.ts';
import { insertSkills, loadDevSet, openLabDatabase } from './lab-db.ts';

const { values: args } = parseArgs({
  options: {
    postgres: { type: 'string' },
    dims: { type: 'string', default: '1536' },
    'word-share': { type: 'string', default: '0.5' },
    misses: { type: 'boolean', default: false },
    fusion: { type: 'string', default: 'zscore' },
  },
});

const MODES: Record<string, SearchChannel[]> = {
  fulltext: ['fulltext'],
  vector: ['vector'],
  trigram: ['trigram'],
  'fulltext+vector': ['fulltext', 'vector'],
  hybrid: ['fulltext', 'vector', 'trigram'],
};

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

const { skills, queries } = loadDevSet();
const embedder = createLocalEmbedder({ dimensions: Number(args.dims), wordShare: Number(args['word-share']) });
const db = await openLabDatabase(args.postgres);
await insertSkills(db, skills, embedder);
const queryVectors = await embedder.embed(queries.map((q) => q.query));

console.log(
  `${args.postgres ? 'postgres' : 'pglite'}  embedder ${embedder.key}  word-share ${args['word-share']}  fusion ${args.fusion}`,
);
console.log('mode              top-1  top-3  MRR    p50ms  p95ms');
for (const [mode, channels] of Object.entries(MODES)) {
  let top1 = 0;
  let top3 = 0;
  let mrr = 0;
  const times: number[] = [];
  const misses: string[] = [];
  for (const [i, q] of queries.entries()) {
    const { sql, params } = buildHybridSearch({
      query: q.query,
      queryEmbedding: queryVectors[i] as number[],
      embeddingKey: embedder.key,
      topK: 10,
      channels,
      fusion: args.fusion as Fusion,
    });
    const start = performance.now();
    const rows = await db.query<HybridSearchRow>(sql, params);
    times.push(performance.now() - start);
    const ok = new Set([q.expected, ...q.also_ok]);
    const rank = rows.findIndex((r) => ok.has(r.name));
    if (rank === 0) top1++;
    if (rank >= 0 && rank < 3) top3++;
    if (rank >= 0) mrr += 1 / (rank + 1);
    if (rank !== 0) misses.push(`  ${q.expected} @${rank + 1} <- ${rows[0]?.name}: ${q.query.slice(0, 90)}`);
  }
  times.sort((a, b) => a - b);
  const n = queries.length;
  console.log(
    `${mode.padEnd(17)} ${(top1 / n).toFixed(3)}  ${(top3 / n).toFixed(3)}  ${(mrr / n).toFixed(3)}  ` +
      `${percentile(times, 0.5).toFixed(1).padStart(5)}  ${percentile(times, 0.95).toFixed(1).padStart(5)}`,
  );
  if (args.misses && mode === 'hybrid') console.log(misses.join('\n'));
}
await db.close();
