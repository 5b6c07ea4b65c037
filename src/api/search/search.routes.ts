import { createRoute, z } from '@hono/zod-openapi';
import { DEFAULT_MIN_CONFIDENCE } from '../../router/search.ts';
import { IoFieldSchema, SkillVersionSchema } from '../../skills/schemas.ts';
import { errorResponses, json } from '../problem.ts';

const QuerySchema = z
  .string()
  .trim()
  .min(1)
  .max(2000)
  .openapi({ description: "The user's request or the agent's thought, in plain words", example: 'merge two pdfs' });

export const SearchBodySchema = z
  .object({
    query: QuerySchema,
    top_k: z.number().int().min(1).max(50).default(5).openapi({ description: 'How many skills (1-50)', example: 5 }),
    tags: z
      .array(z.string().min(1).max(64))
      .max(20)
      .optional()
      .openapi({ description: 'Only skills carrying every one of these tags', example: ['pdf'] }),
    input_mime: z.string().min(1).max(255).optional().openapi({
      description: 'Only skills with an input of this media type (`type/*` for any subtype)',
      example: 'application/pdf',
    }),
    output_mime: z.string().min(1).max(255).optional().openapi({
      description: 'Only skills with an output of this media type (`type/*` for any subtype)',
      example: 'text/csv',
    }),
    include_drafts: z.boolean().default(false).openapi({
      description: "Rank each skill's newest version even when it is a draft (drafts the caller may see)",
      example: false,
    }),
    min_score: z.number().optional().openapi({
      description: 'Drop results whose fused score is below this (scores compare within one query)',
      example: 0,
    }),
    min_confidence: z.number().min(0).max(1).optional().openapi({
      description: 'Drop results whose confidence (0-1, see `confidence`) is below this',
      example: 0.5,
    }),
    explain: z.boolean().default(false).openapi({
      description: "Add each result's matched words, best body chunk and confidence evidence to its `explain`",
      example: true,
    }),
    mode: z.enum(['hybrid', 'fulltext', 'vector']).default('hybrid').openapi({
      description: 'Signals to rank by; single signals are for evaluation and debugging',
      example: 'hybrid',
    }),
  })
  .strict()
  .openapi('SearchRequest');

const rank = (what: string) =>
  z
    .number()
    .int()
    .nullable()
    .openapi({ description: `Position in the ${what} list (1 = best); null = not in it`, example: 1 });
const value = (what: string) => z.number().nullable().openapi({ description: what, example: 0.42 });

export const SearchExplainSchema = z
  .object({
    fulltext_rank: rank('BM25 full-text'),
    fulltext_score: value('BM25 score over name, tags and description'),
    vector_rank: rank('embedding similarity'),
    vector_similarity: value('Cosine similarity of the request and skill embeddings'),
    trigram_rank: rank('trigram similarity'),
    trigram_similarity: value('Character-trigram similarity (typo tolerant)'),
    matched_terms: z
      .object({
        fields: z.array(z.string()).openapi({ description: 'In name, tags or description', example: ['pdf'] }),
        body: z.array(z.string()).openapi({
          description: 'In the body field: SKILL.md text, headings, file names, when_to_use',
          example: ['form'],
        }),
      })
      .optional()
      .openapi({ description: 'With `explain: true`: the stemmed request words the skill contains, by field' }),
    vector_chunk: z.number().int().nullable().optional().openapi({
      description: 'With `explain: true`: the body chunk whose embedding scored best (null: the description did)',
      example: 2,
    }),
    evidence: z.number().optional().openapi({
      description: "With `explain: true`: this result's own confidence evidence, before the cap by better results",
      example: 0.8,
    }),
    words: z
      .array(
        z.object({
          word: z.string().openapi({ example: 'pdf' }),
          idf: z
            .number()
            .openapi({ description: "Inverse document frequency in the organisation's skills", example: 2.3 }),
          credit: z.number().openapi({
            description: '1: in name/tags/description; 0.5: only in the body; else trigram similarity (typo) or 0',
            example: 1,
          }),
        }),
      )
      .optional()
      .openapi({ description: "With `explain: true`: the request's content words and what this skill has of them" }),
  })
  .openapi('SearchExplain');

export const SearchSkillSchema = z
  .object({
    id: z.string().uuid().openapi({ description: 'Skill id', example: '019a8a47-7d8e-7c3b-9a53-1f0d2b3c4d5e' }),
    name: z.string().openapi({ description: 'Skill name', example: 'pdf-merge' }),
    description: z.string().openapi({ description: 'What it does and when to use it', example: 'Merge PDF files' }),
    tags: z.array(z.string()).openapi({ description: 'Tags', example: ['pdf'] }),
    version: z.string().openapi({ description: 'The ranked version', example: '1.2.0' }),
    version_id: z.string().uuid().openapi({
      description: 'Its id: GET /skill-versions/{id} gives level 2',
      example: '019a8a47-8000-7000-9000-000000000001',
    }),
    inputs: z.array(IoFieldSchema).nullable().openapi({ description: 'Declared inputs' }),
    outputs: z.array(IoFieldSchema).nullable().openapi({ description: 'Declared outputs' }),
  })
  .openapi('SearchSkill');

const score = z.number().openapi({
  description: 'Fused relevance (sum of per-signal z-scores); higher is better, compare within one query',
  example: 2.7,
});

const confidence = z
  .number()
  .min(0)
  .max(1)
  .openapi({
    description:
      'How sure the router is that this skill fits, 0-1: 1 - exp(-sum(credit * idf) / idf_unseen) over the ' +
      "request's content words; credit is 1 for a word in name/tags/description, 0.5 for one only in the body, the " +
      'trigram similarity for a near-typo, and idf_unseen is the IDF of a word no skill has. One fully specific ' +
      'word gives 0.63, two 0.86; words common in the catalog add little. Capped by the confidence of every ' +
      'better-ranked result',
    example: 0.83,
  });

export const SearchResponseSchema = z
  .object({
    results: z
      .array(
        z.object({ skill: SearchSkillSchema, score, confidence, explain: SearchExplainSchema }).openapi('SearchHit'),
      )
      .openapi({ description: 'Best first; one per skill' }),
    embedding: z
      .object({
        provider: z
          .string()
          .openapi({ description: 'Embedder key, provider:model:dimensions', example: 'local:hash-v1:1536' }),
        used: z.boolean().openapi({ description: 'Whether the vector signal took part in this search', example: true }),
      })
      .openapi('SearchEmbedding'),
  })
  .openapi('SearchResponse');

export const SelectBodySchema = z
  .object({
    query: QuerySchema,
    max_skills: z
      .number()
      .int()
      .min(1)
      .max(10)
      .default(3)
      .openapi({ description: 'At most this many skills (1-10)', example: 3 }),
    min_confidence: z
      .number()
      .min(0)
      .max(1)
      .default(DEFAULT_MIN_CONFIDENCE)
      .openapi({
        description: `Only skills at least this confident (0-1); none clearing it means no skill fits, and \`skills\` is empty. Default ${DEFAULT_MIN_CONFIDENCE}`,
        example: DEFAULT_MIN_CONFIDENCE,
      }),
  })
  .strict()
  .openapi('SelectRequest');

export const SelectResponseSchema = z
  .object({
    skills: z
      .array(
        z
          .object({ score, confidence, version: SkillVersionSchema })
          .openapi('SelectedSkill', { description: 'A chosen skill: level-2 details of its latest published version' }),
      )
      .openapi({ description: 'Best first; empty when no skill clears `min_confidence` (nothing fits)' }),
    best_confidence: z.number().min(0).max(1).nullable().openapi({
      description: 'The confidence of the best-ranked skill, chosen or not (null: nothing matched at all)',
      example: 0.83,
    }),
    embedding: SearchResponseSchema.shape.embedding,
  })
  .openapi('SelectResponse');

export const search = createRoute({
  method: 'post',
  path: '/skills/search',
  tags: ['Router'],
  summary: 'Find the skills that fit a request (level 1 summaries, hybrid full-text + embedding ranking)',
  request: { body: { required: true, content: { 'application/json': { schema: SearchBodySchema } } } },
  responses: { 200: json(SearchResponseSchema, 'Ranked skills'), ...errorResponses },
});

export const select = createRoute({
  method: 'post',
  path: '/skills/select',
  tags: ['Router'],
  summary: 'Let the router choose: the best skills for a request with their level-2 details, in one call',
  request: { body: { required: true, content: { 'application/json': { schema: SelectBodySchema } } } },
  responses: { 200: json(SelectResponseSchema, 'The chosen skills'), ...errorResponses },
});

export type SearchRoute = typeof search;
export type SelectRoute = typeof select;
