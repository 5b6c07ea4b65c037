import type { Io } from '../output.ts';
import { init } from './init.ts';
import { login } from './login.ts';
import { pack, unpack } from './pack.ts';
import { publish } from './publish.ts';
import { reindex } from './reindex.ts';
import { run } from './run.ts';
import { search } from './search.ts';
import { test } from './test.ts';
import { token } from './token.ts';
import { validate } from './validate.ts';

export type Command = (args: string[], io: Io) => Promise<number>;

export const COMMANDS: Record<string, Command> = {
  init,
  validate,
  pack,
  unpack,
  test,
  publish,
  run,
  search,
  login,
  reindex,
  token,
};
