import { porterStem } from './porter-stemmer.ts';

export interface SkillSearchFields {
  name: string;
  description: string;
  tags: readonly string[];
  /** The `when_to_use` front-matter field, when the author wrote one. */
  whenToUse?: string;
}

/**
 * The one text a skill is embedded as. Names like `pdf-merge-split` are spelled out as words so they match
 * requests that say "merge" or "split"; the name and tags come first because they are the densest description.
 *
 * @example
 * skillSearchText({ name: 'pdf-ocr', description: 'Extract text from scanned PDFs.', tags: ['pdf'] });
 * // 'pdf ocr. pdf. Extract text from scanned PDFs.'
 */
export function skillSearchText(skill: SkillSearchFields): string {
  const name = skill.name.replace(/[-_]+/g, ' ');
  const tags = skill.tags.map((tag) => tag.replace(/[-_]+/g, ' ')).join(', ');
  return [name, tags, skill.description, skill.whenToUse ?? ''].filter((part) => part.trim() !== '').join('. ');
}

/**
 * Function words that say nothing about which skill is wanted. A fixed, general English list (not derived from
 * the skill catalog or its queries), so it cannot be tuned to one data set.
 */
const STOPWORDS = new Set(
  (
    'a about above after again against all am an and any are as at be because been before being below between both ' +
    'but by can could did do does doing down during each few for from further had has have having he her here hers ' +
    'him his how i if in into is it its itself just me more most my no nor not now of off on once only or other our ' +
    'ours out over own same she should so some such than that the their theirs them then there these they this those ' +
    'through to too under until up very was we were what when where which while who whom why will with would you ' +
    'your yours please can could want need like also get got make let'
  ).split(' '),
);

export function isStopword(word: string): boolean {
  return STOPWORDS.has(word);
}

/**
 * Lower-cased alphanumeric words. Apostrophes are dropped inside words ("don't" → "dont"); everything else
 * (punctuation, dots in ".docx", dashes in "pdf-ocr") separates words.
 */
export function tokenize(text: string): string[] {
  return (
    text
      .normalize('NFKC')
      .toLowerCase()
      .replace(/(\p{L})['’](\p{L})/gu, '$1$2')
      .match(/[\p{L}\p{N}]+/gu) ?? []
  );
}

/** Content words of `text`, stemmed: stopwords dropped, the rest through the Porter stemmer. */
export function stemmedTerms(text: string): string[] {
  return tokenize(text)
    .filter((word) => !STOPWORDS.has(word))
    .map(porterStem);
}

/**
 * Character trigrams of one word with boundary markers, as pg_trgm does it (`"cat"` → ` c`, `ca`, `cat`, `at `),
 * so a typo changes only the few trigrams around it.
 */
export function wordTrigrams(word: string): string[] {
  const padded = `  ${word} `;
  const grams: string[] = [];
  for (let i = 0; i + 3 <= padded.length; i++) grams.push(padded.slice(i, i + 3));
  return grams;
}
