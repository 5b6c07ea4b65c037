import type { RouteHandler } from '@hono/zod-openapi';
import type { AppEnv, AppVariables } from '../context.ts';
import type { SearchRoute, SelectRoute } from './search.routes.ts';

/** A routing search as a Langfuse observation (query, top results, scores), when tracing is on. */
function traceSearch(
  { services, caller }: Pick<AppVariables, 'services' | 'caller'>,
  query: string,
  startedAt: Date,
  results: { skill: { name: string }; score: number }[],
) {
  services.tracing?.search({
    orgId: caller.orgId,
    userId: caller.userId,
    query,
    startedAt,
    results: results.map((hit) => ({ name: hit.skill.name, score: hit.score })),
  });
}

export const search: RouteHandler<SearchRoute, AppEnv> = async (c) => {
  const body = c.req.valid('json');
  const startedAt = new Date();
  const response = await c.var.services.search.search(c.var.caller, {
    query: body.query,
    topK: body.top_k,
    tags: body.tags,
    inputMime: body.input_mime,
    outputMime: body.output_mime,
    includeDrafts: body.include_drafts,
    minScore: body.min_score,
    minConfidence: body.min_confidence,
    explain: body.explain,
    mode: body.mode,
  });
  traceSearch(c.var, body.query, startedAt, response.results);
  return c.json(response, 200);
};

export const select: RouteHandler<SelectRoute, AppEnv> = async (c) => {
  const { query, max_skills, min_confidence } = c.req.valid('json');
  const { search, registry } = c.var.services;
  const startedAt = new Date();
  const { results, embedding } = await search.search(c.var.caller, { query, topK: max_skills });
  traceSearch(c.var, query, startedAt, results);
  const chosen = results.filter((hit) => hit.confidence >= min_confidence);
  const skills = await Promise.all(
    chosen.map(async (hit) => ({
      score: hit.score,
      confidence: hit.confidence,
      version: await registry.getVersion(c.var.caller, hit.skill.version_id),
    })),
  );
  return c.json({ skills, best_confidence: results[0]?.confidence ?? null, embedding }, 200);
};
