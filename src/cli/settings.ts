/**
 * Where the CLI finds its server and token. Precedence: flag > environment > stored login > what the local server
 * recorded in its data folder (`npm start` writes `server-url` and `admin-token` there) > http://localhost:8000.
 * This module is, besides src/config.ts, the only place that reads `process.env`, and only in `readEnv`.
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export const DEFAULT_URL = 'http://localhost:8000';
/** The local server's data folder: DATA_DIR, as the server reads it, else its default. */
const DEFAULT_DATA_DIR = './.open-skills';
/** Written there by the server: its first admin token (embedded mode) and the URL it listens on. */
export const LOCAL_TOKEN_NAME = 'admin-token';
export const LOCAL_URL_NAME = 'server-url';

export interface StoredLogin {
  url?: string;
  token?: string;
}

export interface Settings {
  url: string;
  token?: string;
  /** Where each value came from, for `login --show` style messages and errors. */
  source: { url: string; token: string };
}

interface CliEnv {
  url?: string;
  token?: string;
  configHome?: string;
  /** The local server's data folder (DATA_DIR). */
  dataDir?: string;
}

/** The one place the CLI reads the environment. */
export function readEnv(env: NodeJS.ProcessEnv = process.env): CliEnv {
  const clean = (value: string | undefined) => (value?.trim() ? value.trim() : undefined);
  return {
    url: clean(env['OPEN_SKILLS_URL']),
    token: clean(env['OPEN_SKILLS_TOKEN']),
    configHome: clean(env['XDG_CONFIG_HOME']),
    dataDir: clean(env['DATA_DIR']),
  };
}

export function configFile(env: CliEnv = readEnv()): string {
  return join(env.configHome ?? join(homedir(), '.config'), 'open-skills', 'config.json');
}

export function readStoredLogin(file = configFile()): StoredLogin {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as StoredLogin;
    return typeof parsed === 'object' && parsed ? parsed : {};
  } catch {
    return {};
  }
}

/** Stores the login readable by the owner only (the token is a credential). */
export function writeStoredLogin(login: StoredLogin, file = configFile()): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, `${JSON.stringify(login, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
}

/** A file the local server wrote into its data folder, trimmed; undefined when there is none. */
function readLocal(env: CliEnv, name: string): string | undefined {
  try {
    return readFileSync(localFile(env, name), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Where the local server keeps `name` (relative paths as the CLI was started, like the server's DATA_DIR). */
export const localFile = (env: CliEnv, name: string) => join(env.dataDir ?? DEFAULT_DATA_DIR, name);

/** Resolves the server URL and token from flags, environment, stored login and the local dev token. */
export function resolveSettings(flags: { url?: string; token?: string }, env: CliEnv = readEnv()): Settings {
  const stored = readStoredLogin(configFile(env));
  const pick = <T>(...options: [T | undefined, string][]): [T | undefined, string] =>
    options.find(([value]) => value !== undefined && value !== '') ?? [undefined, 'none'];
  const [url, urlSource] = pick(
    [flags.url, '--url'],
    [env.url, 'OPEN_SKILLS_URL'],
    [stored.url, 'stored login'],
    [readLocal(env, LOCAL_URL_NAME), localFile(env, LOCAL_URL_NAME)],
    [DEFAULT_URL, 'default'],
  );
  const [token, tokenSource] = pick(
    [flags.token, '--token'],
    [env.token, 'OPEN_SKILLS_TOKEN'],
    [stored.token, 'stored login'],
    [readLocal(env, LOCAL_TOKEN_NAME), localFile(env, LOCAL_TOKEN_NAME)],
  );
  return { url: (url ?? DEFAULT_URL).replace(/\/+$/, ''), token, source: { url: urlSource, token: tokenSource } };
}
