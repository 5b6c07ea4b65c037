/**
 * Entry point of a sandbox worker process (forked by `WorkerHandle` with `--no-node-snapshot`). All isolates live
 * here, never in the API process. Options arrive as a JSON argument. The process exits when the parent goes away.
 *
 * A worker serves one run tree at a time (a run and the children that borrow its slot). After the last run ends it
 * disposes every isolate and only then says `idle`: the parent hands the worker to another run only after that, so
 * anything a guest left behind (a finalizer, a wedged isolate thread) can never touch another tenant's run.
 */
import { fromJsonMessage, toJsonMessage } from '../ipc-json.ts';
import type { ParentMessage, WorkerMessage } from '../protocol.ts';
import { type GuestCapabilities, IsolatePool } from './isolate-pool.ts';
import { WorkerRun } from './run.ts';

export interface WorkerOptions {
  /** Never-used isolates kept ready for the next runs. */
  warmIsolates: number;
  /** RSS ceiling of this process in bytes; a run that pushes past it ends with memory_limit and the worker retires. */
  maxRssBytes?: number;
  /** What guests may use beyond plain JavaScript; default none (JavaScript skills). */
  capabilities?: GuestCapabilities;
  /** The parent is not Node (the API on Deno) and speaks JSON IPC: bytes are wrapped (`ipc-json.ts`). */
  jsonIpc?: boolean;
}

/** An idle worker whose RSS stays above this share of its ceiling retires (freed native memory may not return). */
const IDLE_RSS_SHARE = 0.75;

const options = JSON.parse(process.argv[2] ?? '{"warmIsolates":2}') as WorkerOptions;

function send(message: WorkerMessage): void {
  if (process.connected) process.send?.(options.jsonIpc ? toJsonMessage(message) : message);
}

function start(options: WorkerOptions): void {
  // A SIGTERM or Ctrl-C to the whole process group is the server's to handle: it lets the runs here finish, then
  // closes this worker itself (and the worker exits whenever the server goes away).
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => {});
  const isolates = new IsolatePool({
    size: options.warmIsolates,
    capabilities: options.capabilities,
    onCatastrophicError: (message) => {
      // V8 lost control of an isolate; nothing in this process can be trusted any more. The parent sees the
      // exit, fails the in-flight runs with infrastructure_error and forks a replacement.
      process.stderr.write(`isolated-vm catastrophic error: ${message}\n`);
      process.abort();
    },
  });
  const runs = new Map<number, WorkerRun>();

  async function execute(rid: number, run: WorkerRun): Promise<void> {
    try {
      const { result, retire } = await run.execute();
      send({ t: 'result', rid, result, retire });
    } catch (error) {
      send({
        t: 'result',
        rid,
        result: {
          status: 'failed',
          error: { type: 'infrastructure_error', message: `Worker error: ${(error as Error).message}` },
          logs: [],
          usage: { wall_ms: 0, cpu_ms: 0, memory_peak_bytes: 0 },
        },
      });
    }
    await run.disposed;
    runs.delete(rid);
    if (runs.size > 0) return;
    const ceiling = options.maxRssBytes;
    send({ t: 'idle', retire: ceiling !== undefined && process.memoryUsage.rss() > ceiling * IDLE_RSS_SHARE });
  }

  process.on('message', (raw) => {
    const message = (options.jsonIpc ? fromJsonMessage(raw) : raw) as ParentMessage;
    switch (message.t) {
      case 'run': {
        const { rid, job } = message;
        const run = new WorkerRun(job, {
          isolates,
          maxRssBytes: options.maxRssBytes,
          forward: (callId, op, args) => send({ t: 'hostCall', rid, callId, op, args }),
          log: (line) => send({ t: 'log', rid, line }),
        });
        runs.set(rid, run);
        void execute(rid, run);
        break;
      }
      case 'cancel':
        runs.get(message.rid)?.cancel();
        break;
      case 'hostResult':
        runs.get(message.rid)?.deliver(message.callId, message.ok, message.ok ? message.value : message.error);
        break;
      case 'ping':
        send({ t: 'pong', n: message.n });
        break;
    }
  });
  // The server went away (stopped, or killed): end at once, by SIGKILL to ourselves. process.exit() is not enough:
  // its teardown waits for isolate threads, and one whose guest spins never stops, which left orphaned workers
  // burning a core each. This process ignores the group's signals, so nothing else would end it.
  process.on('disconnect', () => process.kill(process.pid, 'SIGKILL'));
  send({ t: 'ready' });
}

start(options);
