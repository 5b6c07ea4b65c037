/** Lab: the confidence evidence of the top result for dev, held-out and off-topic requests (PGlite, with bodies). */
import { writeFileSync } from 'node:fs';
import { openApp, uploadCatalog } from '../routing-app.ts';
import { dev, heldOut } from '../routing-eval.ts';

const app = await openApp('pglite');
await uploadCatalog(app, true);
await app.indexer.idle();
const out: unknown[] = [];
const sets: [string, { query: string; expected?: string; also_ok?: string[] }[]][] = [
  ['dev', dev.queries],
  ['held', heldOut.queries],
  ['off', heldOut.offTopic.map((query) => ({ query }))],
];
for (const [set, queries] of sets) {
  for (const q of queries) {
    const res = await app.post('/skills/search', { query: q.query, top_k: 3, explain: true });
    const body = (await res.json()) as { results: { skill: { name: string }; explain: Record<string, unknown> }[] };
    out.push({ set, ...q, top: body.results.map((r) => ({ name: r.skill.name, ...r.explain })) });
  }
}
writeFileSync(process.argv[2] ?? '/tmp/confidence.json', JSON.stringify(out));
await app.close();
