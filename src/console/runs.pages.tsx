/** Console pages of runs: the filtered list, one run, its live panel and event stream, and artifact downloads. */
import type { Hono } from 'hono';
import { withQuery } from '../../views/components.tsx';
import { isTextual, RunPage, RunPanel } from '../../views/run.tsx';
import { RUN_STATUSES, RUN_WINDOWS, RunResults, RunsPage } from '../../views/runs.tsx';
import { artifactResponse } from '../api/artifacts/artifacts.handlers.ts';
import { runEventStream } from '../api/runs/runs.handlers.ts';
import type { RunDto } from '../runs/schemas.ts';
import type { RunStatus } from '../runtime/types.ts';
import type { ConsoleContext, ConsoleEnv } from './context.ts';
import { html, page, pageOrFragment } from './render.tsx';

const PAGE_SIZE = 25;
/** Text artifacts show their first bytes in place, for the first few artifacts of a run. */
const PREVIEW_BYTES = 16 * 1024;
const MAX_PREVIEWS = 6;

/** The first bytes of a run's text artifacts, by artifact id (a missing blob just has no preview). */
export async function textPreviews(c: ConsoleContext, run: RunDto): Promise<Map<string, string>> {
  const { runs } = c.var.services;
  const previews = new Map<string, string>();
  const textual = run.artifacts.filter((a) => isTextual(a.mime_type) && a.size > 0).slice(0, MAX_PREVIEWS);
  for (const artifact of textual) {
    try {
      const row = await runs.getArtifact(c.var.caller, artifact.id);
      const blob = await runs.openArtifact(row, { start: 0, end: Math.min(artifact.size, PREVIEW_BYTES) - 1 });
      const text = await new Response(blob.body).text();
      previews.set(artifact.id, artifact.size > PREVIEW_BYTES ? `${text}\n…` : text);
    } catch (error) {
      c.var.logger.warn({ err: error, artifact_id: artifact.id }, 'artifact preview unavailable');
    }
  }
  return previews;
}

export function runsPages(router: Hono<ConsoleEnv>) {
  router.get('/runs', async (c) => {
    const query = c.req.query();
    const status = RUN_STATUSES.find((s) => s === query.status) as RunStatus | undefined;
    const window = query.window && RUN_WINDOWS[query.window] ? query.window : undefined;
    const hours = window ? RUN_WINDOWS[window]![1] : undefined;
    const skill = query.skill?.trim().slice(0, 128) || undefined;
    const since = hours ? new Date(Date.now() - hours * 3600_000).toISOString() : undefined;
    const result = await c.var.services.runs.list(c.var.caller, {
      status,
      skill,
      since,
      cursor: query.cursor || undefined,
      limit: PAGE_SIZE,
    });
    const filters = { status, skill, window };
    const next = result.next_cursor && withQuery('/console/runs', { ...filters, cursor: result.next_cursor });
    return pageOrFragment(
      c,
      { title: 'Runs', section: 'runs' },
      <RunsPage runs={result.data} next={next} filters={filters} />,
      <RunResults runs={result.data} next={next} />,
    );
  });

  router.get('/runs/:id', async (c) => {
    const { runs } = c.var.services;
    const run = await runs.get(c.var.caller, c.req.param('id'));
    const [tree, previews] = await Promise.all([runs.tree(c.var.caller, run.id), textPreviews(c, run)]);
    const title = `Run ${run.skill ?? ''}`.trim();
    // Without JavaScript, a page of a run still going on reloads itself until the run ends.
    const head = run.finished_at ? undefined : (
      <noscript>
        <meta http-equiv="refresh" content="2" />
      </noscript>
    );
    return page(c, { title, section: 'runs', head }, <RunPage run={run} tree={tree} previews={previews} />);
  });

  router.get('/runs/:id/panel', async (c) => {
    const run = await c.var.services.runs.get(c.var.caller, c.req.param('id'));
    return html(c, <RunPanel run={run} previews={await textPreviews(c, run)} />, 200, false);
  });

  router.get('/runs/:id/events', (c) => runEventStream(c, c.req.param('id')));

  router.get('/artifacts/:id', (c) =>
    artifactResponse(c, c.req.param('id'), { range: c.req.header('range'), inline: c.req.query('inline') === '1' }),
  );
}
