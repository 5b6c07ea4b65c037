/**
 * Runs the Deno that npm installed (`npm run start:deno` = `deno task start`), so nobody installs Deno by hand.
 * Deno ships as one optional package per platform (`@deno/linux-x64-glibc`, ...) holding the binary, with no install
 * script; the `deno` wrapper package is not used because its postinstall rewrites `node_modules/.bin/deno` into
 * the native binary, which `deno task` then tries to run as JavaScript.
 *
 * @example
 * node --import tsx scripts/deno.ts task start
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch, platform } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The npm package holding Deno's binary for this machine. */
export function denoPackage(): string {
  const os = platform();
  return `@deno/${os}-${arch()}${os === 'linux' ? '-glibc' : ''}`;
}

/** Path of the installed Deno binary; throws a readable error when npm installed none for this machine. */
export function denoBinary(): string {
  const name = denoPackage();
  let folder: string;
  try {
    folder = dirname(createRequire(import.meta.url).resolve(`${name}/package.json`));
  } catch {
    throw new Error(
      `${name} is not installed: Deno comes from it as an optional dependency (run npm install; Deno publishes ` +
        'binaries for Linux glibc, macOS and Windows on x64 and arm64 only).',
    );
  }
  const binary = join(folder, platform() === 'win32' ? 'deno.exe' : 'deno');
  if (!existsSync(binary)) throw new Error(`${name} has no Deno binary at ${binary}; reinstall it (npm ci)`);
  return binary;
}

/** Runs Deno with `args`, passing stop signals on; exits with its code. */
function main(args: string[]): void {
  let binary: string;
  try {
    binary = denoBinary();
  } catch (error) {
    process.stderr.write(`open-skills: ${(error as Error).message}\n`);
    process.exit(1);
  }
  const child = spawn(binary, args, { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => child.kill(signal));
  // `npm run` signals only the shell it started, which exits without passing the signal on (as in main.ts).
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) child.kill('SIGTERM');
  }, 500).unref();
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main(process.argv.slice(2));
