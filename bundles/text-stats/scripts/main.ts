import { readOptionalText, type SkillContext } from './ctx.ts';
import { STOP_WORDS } from './stopwords.ts';
import { countSyllables } from './syllables.ts';

interface Input {
  text?: string;
  file?: string;
  top_n?: number;
  min_word_length?: number;
  stop_words?: string[];
}

const MAX_INPUT_CHARS = 2_000_000;
const WORDS_PER_MINUTE = 238; // average silent reading speed for adult non-fiction

// Abbreviations whose period does not end a sentence.
const ABBREVIATIONS = /\b(?:Mr|Mrs|Ms|Dr|Prof|Sr|Jr|St|vs|etc|e\.g|i\.e|cf|approx|No|Fig|Inc|Ltd|Co)\.$/i;

export default async function run(input: Input, ctx: SkillContext) {
  const fileName = input.file ?? 'text.txt';
  const text = input.text ?? (await readOptionalText(ctx, fileName));
  if (text === undefined) throw new Error(`No text given: pass input "text" or send a file named "${fileName}"`);
  if (text.length > MAX_INPUT_CHARS)
    throw new Error(`Text is ${text.length} characters; the limit is ${MAX_INPUT_CHARS}`);
  const topN = input.top_n ?? 10;
  if (!Number.isInteger(topN) || topN < 0 || topN > 100) throw new Error('top_n must be an integer from 0 to 100');
  const minWordLength = input.min_word_length ?? 3;

  // Words: letter/digit runs with inner apostrophes or hyphens ("don't", "well-known").
  const words = text.match(/[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu) ?? [];
  if (words.length === 0) throw new Error('Text contains no words');
  const sentences = countSentences(text);
  const syllablesPerWord = words.map(countSyllables);
  const syllables = syllablesPerWord.reduce((sum, n) => sum + n, 0);
  const wordsPerSentence = words.length / sentences;
  const syllablesPerWordAvg = syllables / words.length;
  const readingEase = 206.835 - 1.015 * wordsPerSentence - 84.6 * syllablesPerWordAvg;
  const grade = 0.39 * wordsPerSentence + 11.8 * syllablesPerWordAvg - 15.59;
  const lowerWords = words.map((word) => word.toLowerCase().replace(/’/g, "'"));

  return {
    characters: [...text].length,
    characters_no_spaces: [...text.replace(/\s/g, '')].length,
    words: words.length,
    unique_words: new Set(lowerWords).size,
    sentences,
    paragraphs: text.split(/\n\s*\n/).filter((block) => block.trim() !== '').length,
    syllables,
    complex_words: syllablesPerWord.filter((n) => n >= 3).length,
    avg_words_per_sentence: round(wordsPerSentence),
    avg_syllables_per_word: round(syllablesPerWordAvg),
    flesch_reading_ease: round(readingEase),
    flesch_kincaid_grade: round(grade),
    reading_level: readingLevel(readingEase),
    reading_time_minutes: round(words.length / WORDS_PER_MINUTE),
    top_keywords: topKeywords(lowerWords, topN, minWordLength, input.stop_words ?? []),
  };
}

/** Sentence ends: . ! ? … (runs count once) followed by space/quote/end, not after a known abbreviation. */
function countSentences(text: string): number {
  let count = 0;
  const enders = /[.!?…]+["'”’)\]]*(?=\s|$)/g;
  let lastEnd = 0;
  for (let match = enders.exec(text); match; match = enders.exec(text)) {
    const before = text.slice(Math.max(0, match.index - 10), match.index + 1);
    if (match[0] === '.' && ABBREVIATIONS.test(before)) continue;
    // Only count when the sentence actually had words in it ("... !!" is one end).
    if (/[\p{L}\p{N}]/u.test(text.slice(lastEnd, match.index))) count++;
    lastEnd = match.index + match[0].length;
  }
  // Trailing text without final punctuation is still a sentence.
  if (/[\p{L}\p{N}]/u.test(text.slice(lastEnd))) count++;
  return Math.max(1, count);
}

function topKeywords(words: string[], topN: number, minLength: number, extraStopWords: string[]) {
  const extra = new Set(extraStopWords.map((word) => word.toLowerCase()));
  const counts = new Map<string, number>();
  for (const word of words) {
    if ([...word].length < minLength || STOP_WORDS.has(word) || extra.has(word) || /^\d+$/.test(word)) continue;
    counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  // Ties break alphabetically so the result is deterministic.
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, topN)
    .map(([word, count]) => ({ word, count }));
}

function readingLevel(ease: number): string {
  if (ease >= 90) return 'very easy';
  if (ease >= 80) return 'easy';
  if (ease >= 70) return 'fairly easy';
  if (ease >= 60) return 'standard';
  if (ease >= 50) return 'fairly difficult';
  if (ease >= 30) return 'difficult';
  return 'very difficult';
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
