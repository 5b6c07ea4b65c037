/**
 * Langfuse traces over OpenTelemetry (`@langfuse/otel`'s span processor, `@langfuse/tracing`'s attribute
 * mapping), from a tracer provider of our own (no global one). One trace per root run: its observation carries the
 * run id, skill, version, user and org, input and output (size-capped; the run's outcome is already redacted of its
 * secrets), latency, status and error; child runs (ctx.callSkill, chain and parallel steps) are observations nested
 * under their parent. Each routing search is a trace of its own with the query, top results and scores.
 *
 * Spans are written when a run ends, with its real start and end times, and exported in batches in the
 * background: an unreachable Langfuse never slows or fails a run. Span ids come from run ids, so a child ending
 * before its parent (as children do) still nests under it, on any replica.
 *
 * @example
 * const tracing = createTracing({ processor: langfuseProcessor(config), logger });
 * tracing.runEnded(row, run, rootRunId);
 * await tracing.shutdown(); // flushes
 */
import { createHash } from 'node:crypto';
import { LangfuseSpanProcessor } from '@langfuse/otel';
import { createObservationAttributes, createTraceAttributes, LangfuseOtelSpanAttributes } from '@langfuse/tracing';
import { type Attributes, ROOT_CONTEXT, type SpanContext, TraceFlags, trace } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  type IdGenerator,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import type { RunRow } from '../runs/rows.ts';
import type { RunDto } from '../runs/schemas.ts';
import type { Logger } from './logger.ts';

/** Inputs and outputs larger than this (as JSON) are sent as their size only. */
export const MAX_TRACED_BYTES = 16 * 1024;

/** A value as traced: itself, or `{ truncated: true, bytes }` when it is too large. */
export function capped(value: unknown): unknown {
  const text = JSON.stringify(value ?? null);
  const bytes = Buffer.byteLength(text);
  return bytes > MAX_TRACED_BYTES ? { truncated: true, bytes } : value;
}

/** A trace id (32 hex) from a run id: the UUID's own hex digits. */
export const traceIdOf = (runId: string) => runId.replaceAll('-', '').toLowerCase();
/** A span id (16 hex) from a run id, the same in every replica. */
export const spanIdOf = (runId: string) => createHash('sha256').update(runId).digest('hex').slice(0, 16);

/** Ids for the next span: set just before a span starts (synchronously), so a run's span gets its run's ids. */
class RunIds implements IdGenerator {
  next: { traceId: string; spanId: string } | undefined;
  generateTraceId = () =>
    this.next?.traceId ?? createHash('sha256').update(crypto.randomUUID()).digest('hex').slice(0, 32);
  generateSpanId = () =>
    this.next?.spanId ?? createHash('sha256').update(crypto.randomUUID()).digest('hex').slice(0, 16);
}

export interface LangfuseSettings {
  publicKey: string;
  secretKey: string;
  baseUrl?: string;
}

/** The span processor that exports to Langfuse (batched, 5 s timeout); every span of this provider is ours. */
export function langfuseProcessor(settings: LangfuseSettings & { exporter?: SpanExporter }) {
  return new LangfuseSpanProcessor({
    publicKey: settings.publicKey,
    secretKey: settings.secretKey,
    baseUrl: settings.baseUrl,
    exporter: settings.exporter,
    exportMode: 'batched',
    timeout: 5,
    mediaUploadEnabled: false,
    shouldExportSpan: () => true,
  });
}

export interface SearchTrace {
  orgId: string;
  userId: string;
  query: string;
  results: { name: string; score: number }[];
  startedAt: Date;
}

export function createTracing(options: { processor: SpanProcessor; logger: Logger }) {
  const ids = new RunIds();
  const provider = new BasicTracerProvider({ idGenerator: ids, spanProcessors: [options.processor] });
  const tracer = provider.getTracer('open-skills');

  function start(name: string, runIds: { traceId: string; spanId: string }, startTime: Date, parent?: SpanContext) {
    ids.next = runIds;
    try {
      const context = parent ? trace.setSpanContext(ROOT_CONTEXT, parent) : ROOT_CONTEXT;
      return tracer.startSpan(name, { startTime }, context);
    } finally {
      ids.next = undefined;
    }
  }

  return {
    /**
     * A run ended: its observation, nested under its parent's when it has one. `rootRunId`: the run its
     * composition started from (itself for a root run).
     */
    runEnded(row: RunRow, run: RunDto, rootRunId: string): void {
      try {
        const traceId = traceIdOf(rootRunId);
        const parent = row.parent_run_id
          ? { traceId, spanId: spanIdOf(row.parent_run_id), traceFlags: TraceFlags.SAMPLED, isRemote: true }
          : undefined;
        const span = start(
          run.skill ?? row.kind,
          { traceId, spanId: spanIdOf(row.id) },
          row.started_at ?? row.created_at,
          parent,
        );
        const failed = run.status !== 'succeeded';
        const attributes: Attributes = {
          ...createObservationAttributes(row.kind === 'skill' ? 'tool' : 'chain', {
            input: capped(run.input),
            output: capped(run.output),
            level: failed ? 'ERROR' : 'DEFAULT',
            statusMessage: run.error ? `${run.error.type}: ${run.error.message}` : run.status,
            version: run.version ?? undefined,
            metadata: {
              run_id: run.id,
              skill: run.skill,
              version: run.version,
              status: run.status,
              org_id: row.org_id,
              user_id: row.user_id,
              duration_ms: run.duration_ms,
              error_type: run.error?.type ?? null,
              memory_peak_bytes: run.usage.memory_peak_bytes,
            },
          }),
        };
        if (!parent) {
          Object.assign(attributes, createTraceAttributes({ input: capped(run.input), output: capped(run.output) }), {
            [LangfuseOtelSpanAttributes.TRACE_NAME]: `run ${run.skill ?? row.kind}`,
            [LangfuseOtelSpanAttributes.TRACE_USER_ID]: row.user_id,
            [LangfuseOtelSpanAttributes.TRACE_SESSION_ID]: row.org_id,
            [LangfuseOtelSpanAttributes.TRACE_TAGS]: [
              `org:${row.org_id}`,
              `skill:${run.skill ?? row.kind}`,
              `status:${run.status}`,
            ],
          });
        }
        span.setAttributes(attributes);
        span.end(row.finished_at ?? new Date());
      } catch (error) {
        options.logger.warn({ err: error, run_id: row.id }, 'run trace not recorded');
      }
    },

    /** A routing search: one trace with the query and the top results with their scores. */
    search(search: SearchTrace): void {
      try {
        const span = tracer.startSpan('search', { startTime: search.startedAt }, ROOT_CONTEXT);
        span.setAttributes({
          ...createObservationAttributes('retriever', {
            input: { query: search.query },
            output: search.results.slice(0, 10),
            metadata: { org_id: search.orgId, user_id: search.userId, results: search.results.length },
          }),
          [LangfuseOtelSpanAttributes.TRACE_NAME]: 'skill search',
          [LangfuseOtelSpanAttributes.TRACE_USER_ID]: search.userId,
          [LangfuseOtelSpanAttributes.TRACE_SESSION_ID]: search.orgId,
        });
        span.end();
      } catch (error) {
        options.logger.warn({ err: error }, 'search trace not recorded');
      }
    },

    /** Exports what is pending (shutdown does too); a failed export is logged. */
    flush: () => provider.forceFlush().catch((error) => options.logger.warn({ err: error }, 'traces not exported')),

    /** Flushes and stops; an unreachable Langfuse costs at most the exporter's timeout. */
    async shutdown(): Promise<void> {
      await provider.shutdown().catch((error) => options.logger.warn({ err: error }, 'traces not flushed'));
    },
  };
}

export type Tracing = ReturnType<typeof createTracing>;
