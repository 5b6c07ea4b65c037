import { COMMON_OPTIONS, parse, positionals, SERVER_OPTIONS } from '../args.ts';
import { createClient } from '../client.ts';
import { EXIT, type Io, table, usageError } from '../output.ts';
import { resolveSettings } from '../settings.ts';

/** `open-skills search "<query>" [--top-k n]` via POST /skills/search. */
export async function search(args: string[], io: Io): Promise<number> {
  const { values, positionals: rest } = parse('search', args, {
    ...COMMON_OPTIONS,
    ...SERVER_OPTIONS,
    'top-k': { type: 'string', short: 'k' },
  });
  const query = positionals('search', rest, ['query']).join(' ');
  const topK = values['top-k'] === undefined ? 5 : Number(values['top-k']);
  if (!Number.isInteger(topK) || topK < 1 || topK > 50) throw usageError('search: --top-k must be 1-50');
  const client = createClient(resolveSettings(values));
  const response = await client.ok(client.api.POST('/skills/search', { body: { query, top_k: topK } }));
  if (values.json) {
    io.out(`${JSON.stringify(response)}\n`);
    return EXIT.ok;
  }
  if (response.results.length === 0) {
    io.out(`No skills match "${query}".\n`);
    return EXIT.ok;
  }
  const clip = (text: string, n: number) => (text.length > n ? `${text.slice(0, n - 1)}…` : text);
  io.out(
    table([
      ['SCORE', 'SKILL', 'VERSION', 'DESCRIPTION'],
      ...response.results.map((hit) => [
        hit.score.toFixed(2),
        hit.skill.name,
        hit.skill.version,
        clip(hit.skill.description.replace(/\s+/g, ' '), 80),
      ]),
    ]),
  );
  return EXIT.ok;
}
