/** Real server processes sharing one PostgreSQL database, for the queue's cross-replica tests. */
import { type ChildProcess, spawn } from 'node:child_process';
import { bundleForm, zipOf } from '../helpers/bundles.ts';
import { codeSkill } from '../runs/helpers.ts';

export interface Replica {
  child: ChildProcess;
  url: string;
  /** Everything it printed (JSON log lines). */
  output(): string;
  /** Resolves with the exit code (or signal) once it has exited. */
  exited: Promise<number | string | null>;
}

/** Starts `npm start`'s command as a server on a free port, with `env` on top of the test's environment. */
export function startReplica(env: Record<string, string>, options: { detached?: boolean } = {}): Promise<Replica> {
  const child = spawn(process.execPath, ['--no-node-snapshot', '--import', 'tsx', 'src/main.ts'], {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      LOAD_EXAMPLES: 'false',
      RUN_WORKERS: '1',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  });
  let out = '';
  const exited = new Promise<number | string | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal)),
  );
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk;
      const url = /"url":"(http:\/\/[^"]+)"/.exec(out)?.[1];
      if (url) resolve({ child, url, output: () => out, exited });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => {
      out += chunk;
    });
    void exited.then((code) => reject(new Error(`server exited (${code}): ${out}`)));
  });
}

/**
 * A skill that holds its sandbox for `input.ms` milliseconds (busy, as isolates have no timers) and echoes
 * `input.n`.
 */
export const napper = codeSkill(
  'napper',
  'export default (input) => { const end = Date.now() + (input.ms ?? 0); while (Date.now() < end) {} return { n: input.n ?? null }; };',
);

export async function publishNapper(url: string, token: string): Promise<void> {
  const res = await fetch(`${url}/skills`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: bundleForm(zipOf(napper, 'napper'), { publish: 'true' }),
  });
  if (res.status !== 201) throw new Error(`upload failed: ${res.status} ${await res.text()}`);
}
