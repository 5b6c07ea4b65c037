/**
 * The `open-skills` command line. Each command lives in `commands/`; `main()` dispatches, prints expected
 * errors as one readable message and maps them to the documented exit codes.
 */
import { ConfigError, loadConfig } from '../config.ts';
import { DataDirLockedError } from '../db/pglite.ts';
import { startServer } from '../server.ts';
import { PackError } from '../skills/pack.ts';
import { COMMANDS } from './commands/index.ts';
import { CliError, EXIT, formatFieldErrors, type Io, processIo } from './output.ts';

export const USAGE = `open-skills <command> [options]

Author
  init <name>                      scaffold a skill folder (SKILL.md, scripts/main.ts, tests/basic.json)
  validate <dir>                   check a bundle with the registry's rules
  pack <dir> [-o file.zip] [--bundle-deps]
                                   zip a bundle; --bundle-deps inlines npm packages into the entrypoint
  unpack <zip> <dir>               extract a bundle archive
  test <dir>                       run tests/*.json locally in the sandbox

Server
  publish <dir> [--no-tests] [--version v]
                                   upload a draft, run its tests on the server, publish when they pass
  run <skill> --input '{...}' [--file path]... [--version v] [--out dir]
                                   run a skill, print its output and logs, download its artifacts
  search "<query>" [--top-k n]     find skills for a request
  login --url URL --token TOKEN    remember a server and token (~/.config/open-skills/config.json)
  token create --name NAME [--role ROLE] [--user USER] [--days N]
                                   issue an API token (printed once); token list; token revoke <id>
  serve                            start the server (same as npm start)
  reindex [--all]                  re-embed versions made with another embedding model (uses the server's config)

Options: --json (machine-readable output), --url, --token, -h/--help.
Server and token: --url/--token > OPEN_SKILLS_URL/OPEN_SKILLS_TOKEN > login > http://localhost:8000 and
./.open-skills/admin-token.
Exit codes: 0 ok, 1 failure (invalid bundle, failed test or run, request refused), 2 usage error,
3 server unreachable or server error.
`;

async function serve(): Promise<number> {
  const server = await startServer(loadConfig());
  const stop = async () => {
    await server.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  return await new Promise<number>(() => {});
}

/** Runs one command line; returns the exit code. Exported for tests. */
export async function main(argv: string[], io?: Io): Promise<number> {
  const [command, ...rest] = argv;
  const json = rest.includes('--json');
  const out = io ?? processIo(json);
  try {
    if (command === 'serve') return await serve();
    if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
      out.out(USAGE);
      return EXIT.ok;
    }
    const run = COMMANDS[command];
    if (!run) {
      out.err(`open-skills: unknown command "${command}"\n\n${USAGE}`);
      return EXIT.usage;
    }
    if (rest.includes('--help') || rest.includes('-h')) {
      out.out(USAGE);
      return EXIT.ok;
    }
    return await run(rest, out);
  } catch (error) {
    if (error instanceof CliError) {
      if (json) out.out(`${JSON.stringify({ error: { message: error.message, errors: error.errors } })}\n`);
      out.err(`open-skills ${command}: ${error.message}\n${formatFieldErrors(error.errors)}`);
      if (error.exitCode === EXIT.usage) out.err(`Run "open-skills help" for usage.\n`);
      return error.exitCode;
    }
    if (error instanceof PackError || error instanceof ConfigError || error instanceof DataDirLockedError) {
      out.err(`open-skills ${command}: ${error.message}\n`);
      return EXIT.failure;
    }
    throw error;
  }
}
