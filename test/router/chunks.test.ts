import { describe, expect, it } from 'vitest';
import { CHUNK_CHARS, chunkBody, MAX_CHUNKS } from '../../src/router/chunks.ts';

describe('chunkBody', () => {
  it('keeps a short body whole and gives nothing for an empty one', () => {
    expect(chunkBody('# Usage\n\nRun it.')).toEqual(['# Usage\n\nRun it.']);
    expect(chunkBody('  \n\n \n')).toEqual([]);
  });

  it('cuts at paragraphs and starts a new chunk at a heading once the current one is half full', () => {
    const para = (word: string) => `${word} `.repeat(40).trim();
    const body = `# One\n\n${para('alpha')}\n\n${para('beta')}\n\n## Two\n\n${para('gamma')}`;
    const chunks = chunkBody(body, 600);
    expect(chunks).toHaveLength(2);
    expect(chunks[0]).toContain('beta');
    expect(chunks[1]!.startsWith('## Two')).toBe(true);
    expect(chunks.every((c) => c.length <= 600)).toBe(true);
  });

  it('splits one huge paragraph at spaces, and embeds at most MAX_CHUNKS chunks of a huge body', () => {
    const words = Array.from({ length: 20_000 }, (_, i) => `word${i}`).join(' ');
    const chunks = chunkBody(words);
    expect(chunks).toHaveLength(MAX_CHUNKS);
    expect(chunks.every((c) => c.length <= CHUNK_CHARS)).toBe(true);
    // Cut between words, never inside one: the chunks are runs of whole consecutive words.
    const first = chunks[0]!.split(' ');
    const second = chunks[1]!.split(' ');
    expect(Number(second[0]!.slice(4))).toBe(Number(first.at(-1)!.slice(4)) + 1);
    expect(chunks.join(' ').startsWith(words.slice(0, 1000))).toBe(true);
  });
});
