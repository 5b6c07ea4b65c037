/**
 * Entry point of a sandbox worker process (forked by `WorkerHandle` with `--no-node-snapshot`). All isolates live
 * here, never in the API process. Options arrive as a JSON argument. The process exits when the parent goes away.
 */
import type { ParentMessage, WorkerMessage } from '../protocol.ts';
import { IsolatePool } from './isolate-pool.ts';
import { WorkerRun } from './run.ts';

export interface WorkerOptions {
  /** Never-used isolates kept ready for the next runs. */
  warmIsolates: number;
}

function send(message: WorkerMessage): void {
  if (process.connected) process.send?.(message);
}

function start(options: WorkerOptions): void {
  const isolates = new IsolatePool({
    size: options.warmIsolates,
    onCatastrophicError: (message) => {
      // V8 lost control of an isolate; nothing in this process can be trusted any more. The parent sees the
      // exit, fails the in-flight runs with infrastructure_error and forks a replacement.
      process.stderr.write(`isolated-vm catastrophic error: ${message}\n`);
      process.abort();
    },
  });
  const runs = new Map<number, WorkerRun>();

  process.on('message', (raw) => {
    const message = raw as ParentMessage;
    switch (message.t) {
      case 'run': {
        const { rid, job } = message;
        const run = new WorkerRun(job, {
          isolates,
          forward: (callId, op, args) => send({ t: 'hostCall', rid, callId, op, args }),
        });
        runs.set(rid, run);
        run
          .execute()
          .then(
            ({ result, retire }) => send({ t: 'result', rid, result, retire }),
            (error: Error) =>
              send({
                t: 'result',
                rid,
                result: {
                  status: 'failed',
                  error: { type: 'infrastructure_error', message: `Worker error: ${error.message}` },
                  logs: [],
                  usage: { wall_ms: 0, cpu_ms: 0, memory_peak_bytes: 0 },
                },
              }),
          )
          .finally(() => runs.delete(rid));
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
  process.on('disconnect', () => {
    isolates.close();
    process.exit(0);
  });
  send({ t: 'ready' });
}

start(JSON.parse(process.argv[2] ?? '{"warmIsolates":2}') as WorkerOptions);
