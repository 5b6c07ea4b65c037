import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/cli.ts';
import type { Io } from '../../src/cli/output.ts';

export const tempDir = (prefix = 'open-skills-cli-') => mkdtempSync(join(tmpdir(), prefix));

/** Runs one CLI command line in-process and captures what it printed. */
export async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    out: (text) => {
      stdout += text;
    },
    err: (text) => {
      stderr += text;
    },
    progress: false,
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}
