import { type ParseArgsConfig, parseArgs } from 'node:util';
import { usageError } from './output.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Flags every command that talks to a server accepts. */
export const SERVER_OPTIONS = {
  url: { type: 'string' },
  token: { type: 'string' },
} as const satisfies Options;

export const COMMON_OPTIONS = {
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies Options;

/** `parseArgs` that reports mistakes as usage errors (exit 2) naming the command. */
export function parse<T extends Options>(command: string, args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw usageError(`${command}: ${(error as Error).message}`);
  }
}

/** The positional arguments, exactly `names.length` of them (the optional ones may be missing). */
export function positionals(command: string, values: string[], required: string[], optional: string[] = []) {
  if (values.length < required.length) {
    throw usageError(
      `${command}: missing ${required
        .slice(values.length)
        .map((n) => `<${n}>`)
        .join(' ')}`,
    );
  }
  if (values.length > required.length + optional.length) {
    throw usageError(`${command}: unexpected argument "${values[required.length + optional.length]}"`);
  }
  return values;
}
