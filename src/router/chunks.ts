/**
 * Splitting a SKILL.md body into pieces an embedder takes whole. 1,500 characters is about 400 tokens of English
 * (far under the 8,191-token input of OpenAI's models) and short enough that one section's words are not averaged
 * away by the rest of a long body. At most `MAX_CHUNKS` chunks are embedded, from the start of the body: what an
 * author writes first is what the skill is about, and the cap bounds the work a huge body can cause.
 */
export const CHUNK_CHARS = 1_500;
export const MAX_CHUNKS = 12;

/**
 * The body in chunks of at most `maxChars`, cut at blank lines (paragraphs, sections) where possible, else at line
 * ends, else at spaces; a heading starts a new chunk when the current one is half full, so sections stay together.
 * Whitespace-only bodies give no chunks.
 *
 * @example
 * chunkBody('# Usage\nRun it.\n\n# Forms\nFill PDF forms.', 20); // ['# Usage\nRun it.', '# Forms\nFill PDF forms.']
 */
export function chunkBody(body: string, maxChars = CHUNK_CHARS, maxChunks = MAX_CHUNKS): string[] {
  const chunks: string[] = [];
  let current = '';
  const flush = () => {
    if (current.trim() !== '') chunks.push(current.trim());
    current = '';
  };
  for (const block of body.split(/\n\s*\n/)) {
    for (const piece of splitLong(block.trim(), maxChars)) {
      const startsSection = /^#{1,6}\s/.test(piece);
      if (
        current !== '' &&
        (current.length + piece.length + 2 > maxChars || (startsSection && current.length > maxChars / 2))
      ) {
        flush();
      }
      current = current === '' ? piece : `${current}\n\n${piece}`;
      if (chunks.length >= maxChunks) return chunks;
    }
  }
  flush();
  return chunks.slice(0, maxChunks);
}

/** A block longer than `maxChars` cut at line ends, or at spaces, or anywhere as a last resort. */
function splitLong(block: string, maxChars: number): string[] {
  const pieces: string[] = [];
  let rest = block;
  while (rest.length > maxChars) {
    const window = rest.slice(0, maxChars);
    const cut = Math.max(window.lastIndexOf('\n'), window.lastIndexOf(' '));
    const at = cut > maxChars / 4 ? cut : maxChars;
    pieces.push(rest.slice(0, at).trim());
    rest = rest.slice(at).trim();
  }
  if (rest !== '') pieces.push(rest);
  return pieces;
}
