import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('..', import.meta.url));

/** The first Python 3 with pytest: $PYTHON, python3 on PATH, then Debian's (where `python3-pytest` installs it). */
function pythonWithPytest(): string | undefined {
  const candidates = [process.env['PYTHON'], 'python3', '/usr/bin/python3'].filter((p): p is string => !!p);
  return candidates.find((python) => spawnSync(python, ['-m', 'pytest', '--version']).status === 0);
}

function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('Python SDK (sdk/python)', () => {
  it('passes its pytest suite against a real server it starts', async () => {
    const python = pythonWithPytest();
    expect(python, 'no Python 3 with pytest found (Debian: apt-get install python3-pytest)').toBeDefined();
    const { code, output } = await run(python!, ['-m', 'pytest', 'sdk/python/tests', '-q', '-p', 'no:cacheprovider'], {
      ...process.env,
      // The server the tests start runs on this Node (22+), not whatever `node` is first on PATH.
      OPEN_SKILLS_NODE: process.execPath,
      PYTHONDONTWRITEBYTECODE: '1',
    });
    expect(code, output).toBe(0);
    expect(output).toMatch(/\b\d+ passed\b/);
    expect(output).not.toMatch(/\b(failed|errors?)\b/);
  }, 240_000);
});
