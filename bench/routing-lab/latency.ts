/**
 * Search latency at scale: N synthetic skills (catalog descriptions recombined), the dev queries run against them.
 * Usage: npx tsx bench/routing-lab/latency.ts [--postgres postgres://...] [--skills 10000]
 */
import { parseArgs } from 'node:util';
import { createLocalEmbedder } from '../../src/router/local-embedder.ts';
import { buildHybridSearch, type SearchChannel } from '../../src/router/search-sql.ts';
import { insertSkills, type LabSkill, loadDevSet, openLabDatabase } from './lab-db.ts';

const { values: args } = parseArgs({
  options: { postgres: { type: 'string' }, skills: { type: 'string', default: '10000' } },
});

/** mulberry32: a seeded generator so every run builds the same corpus. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const { skills, queries } = loadDevSet();
const random = seeded(42);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
const sentences = skills.flatMap((s) => s.description.split(/(?<=[.!?])\s+/));
const words = [...new Set(skills.flatMap((s) => s.name.split('-')))];
const corpus: LabSkill[] = [...skills];
while (corpus.length < Number(args.skills)) {
  corpus.push({
    name: `${pick(words)}-${pick(words)}-${corpus.length}`,
    description: Array.from({ length: 2 + Math.floor(random() * 3) }, () => pick(sentences)).join(' '),
    tags: [pick(words), pick(words)],
  });
}

const embedder = createLocalEmbedder();
const db = await openLabDatabase(args.postgres);
const embedMs = await insertSkills(db, corpus, embedder);
console.log(`${args.postgres ? 'postgres' : 'pglite'}: ${corpus.length} skills, embedded in ${embedMs.toFixed(0)} ms`);
const queryVectors = await embedder.embed(queries.map((q) => q.query));
const modes: Record<string, SearchChannel[]> = {
  fulltext: ['fulltext'],
  vector: ['vector'],
  trigram: ['trigram'],
  hybrid: ['fulltext', 'vector', 'trigram'],
};
for (const [mode, channels] of Object.entries(modes)) {
  const times: number[] = [];
  for (const [i, q] of queries.entries()) {
    const { sql, params } = buildHybridSearch({
      query: q.query,
      queryEmbedding: queryVectors[i] as number[],
      embeddingKey: embedder.key,
      topK: 5,
      channels,
    });
    const start = performance.now();
    await db.query(sql, params);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const at = (p: number) => (times[Math.floor(p * times.length)] as number).toFixed(1);
  console.log(`${mode.padEnd(9)} p50 ${at(0.5)} ms  p95 ${at(0.95)} ms`);
}
await db.close();
