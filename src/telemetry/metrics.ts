/**
 * Prometheus metrics (prom-client), one registry per app (no global one, so tests and several apps in a process
 * never mix). Runs are counted as they end (`runEnded`), queued runs' wait as they start (`queueWait`); the queue
 * depth and the sandbox's worker processes are read when scraped. Node's defaults (event-loop lag, heap, GC) are
 * collected too.
 *
 * @example
 * const metrics = createMetrics();
 * metrics.runEnded(run);
 * const text = await metrics.render();
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { QueueDepth } from '../jobs/run-queue.ts';
import type { RunDto } from '../runs/schemas.ts';

export interface MetricsSources {
  /** The run queue's depth (pg-boss's cached counts). */
  queueDepth?: () => Promise<QueueDepth>;
  /** Pids of the sandbox's worker processes now: a pid not seen before after the first is a restart. */
  workerPids?: () => number[];
}

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

export function createMetrics(sources: MetricsSources = {}) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'open_skills_' });
  const runs = new Counter({
    name: 'open_skills_runs_total',
    help: 'Runs ended, by final status',
    labelNames: ['status'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'open_skills_run_duration_seconds',
    help: 'Run duration from start to end',
    labelNames: ['status'],
    buckets: SECONDS,
    registers: [registry],
  });
  const memory = new Histogram({
    name: 'open_skills_run_memory_peak_bytes',
    help: 'Peak isolate heap of each run',
    buckets: [1, 4, 16, 32, 64, 128, 256, 512, 1024].map((mb) => mb * 1024 * 1024),
    registers: [registry],
  });
  const artifacts = new Counter({
    name: 'open_skills_artifacts_total',
    help: 'Artifacts kept by succeeded runs',
    registers: [registry],
  });
  const artifactBytes = new Counter({
    name: 'open_skills_artifact_bytes_total',
    help: 'Bytes of the artifacts kept by succeeded runs',
    registers: [registry],
  });
  const queueWait = new Histogram({
    name: 'open_skills_queue_wait_seconds',
    help: 'Time a queued run waited from its request to its start on a replica',
    buckets: SECONDS,
    registers: [registry],
  });
  const http = new Histogram({
    name: 'open_skills_http_request_duration_seconds',
    help: 'HTTP request duration by route (the route pattern, not the path) and status',
    labelNames: ['method', 'route', 'status'],
    buckets: SECONDS,
    registers: [registry],
  });
  const { queueDepth, workerPids } = sources;
  if (queueDepth) {
    new Gauge({
      name: 'open_skills_queue_depth',
      help: 'Queued runs by state: waiting for a replica (queued) or being executed (active), all replicas',
      labelNames: ['state'],
      registers: [registry],
      async collect() {
        const depth = await queueDepth().catch(() => undefined);
        if (!depth) return;
        this.set({ state: 'queued' }, depth.queued);
        this.set({ state: 'active' }, depth.active);
      },
    });
  }
  if (workerPids) {
    const seen = new Set<number>();
    let first = true;
    new Counter({
      name: 'open_skills_sandbox_worker_restarts_total',
      help: 'Sandbox worker processes started to replace others (seen at scrape time)',
      registers: [registry],
      collect() {
        for (const pid of workerPids()) {
          if (seen.has(pid)) continue;
          seen.add(pid);
          if (!first) this.inc();
        }
        first = false;
      },
    });
  }

  return {
    registry,
    contentType: registry.contentType,
    render: () => registry.metrics(),

    /** A run (of any kind, children included) reached its final status. */
    runEnded(run: RunDto): void {
      runs.inc({ status: run.status });
      if (run.duration_ms !== null) duration.observe({ status: run.status }, run.duration_ms / 1000);
      if (run.usage.memory_peak_bytes > 0) memory.observe(run.usage.memory_peak_bytes);
      if (run.status !== 'succeeded') return;
      // A composition lists its steps' artifacts too: each is counted with the run that wrote it.
      const own = run.artifacts.filter((a) => a.run_id === run.id);
      artifacts.inc(own.length);
      artifactBytes.inc(own.reduce((sum, a) => sum + a.size, 0));
    },

    queueWait: (seconds: number) => queueWait.observe(Math.max(0, seconds)),

    httpRequest: (method: string, route: string, status: number, seconds: number) =>
      http.observe({ method, route, status: String(status) }, seconds),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
