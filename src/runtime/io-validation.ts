/**
 * The one check of a run's input against the skill's declared `inputs` (list form) or `input_schema` (JSON
 * Schema), and of its output against `output_schema` / `outputs`. The sandbox worker runs it for the server (a
 * schema is author-controlled work, so it runs under the run's deadline, never on the API's event loop); the CLI's
 * local runner and the bundle tests call it directly, so a case fails the same way everywhere. `pattern` and
 * `patternProperties` use RE2 (linear time), so no author regex can backtrack for seconds. Problems come back as
 * field errors.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import { RE2JS } from 're2js';
import type { FieldError } from '../errors.ts';
import type { IoField } from '../skills/manifest.ts';
import { MAX_INPUT_BYTES, type RunError } from './types.ts';

/** What a skill declares about its input and output: a stored version, or a manifest read from disk. */
export interface IoContract {
  inputs?: IoField[] | null;
  outputs?: IoField[] | null;
  inputSchema?: Record<string, unknown> | null;
  outputSchema?: Record<string, unknown> | null;
}

export { MAX_INPUT_BYTES };

/** JSON Schema regexes through RE2: linear-time matching; backreferences and lookarounds are refused. */
function re2(pattern: string, flags: string) {
  let options = 0;
  if (flags.includes('i')) options |= RE2JS.CASE_INSENSITIVE;
  if (flags.includes('m')) options |= RE2JS.MULTILINE;
  if (flags.includes('s')) options |= RE2JS.DOTALL;
  const compiled = RE2JS.compile(pattern, options);
  return { test: (text: string) => compiled.matcher(text).find() };
}
// Ajv reads `code` only when it generates standalone modules, which this project never does.
re2.code = 're2js';

const ajv = new Ajv({ allErrors: true, strict: false, code: { regExp: re2 } });
// Compiled schemas by their JSON text (schemas arrive as copies in the worker), the most recent few kept.
const CACHED_SCHEMAS = 64;
const compiled = new Map<string, ValidateFunction | Error>();

function compile(schema: Record<string, unknown>): ValidateFunction | Error {
  const key = JSON.stringify(schema);
  let fn = compiled.get(key);
  if (fn) {
    compiled.delete(key);
  } else {
    try {
      fn = ajv.compile(schema);
    } catch (error) {
      fn = error as Error;
    }
    // The Map owns the compiled function; Ajv's own cache (and its `$id` registry) would keep every schema.
    ajv.removeSchema(schema);
    if (compiled.size >= CACHED_SCHEMAS) compiled.delete(compiled.keys().next().value!);
  }
  compiled.set(key, fn);
  return fn;
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/**
 * `files` are the names a `file` field may take: files sent with the run for inputs, and for outputs the names and
 * ids of the artifacts the run wrote (an output may also carry the artifact object `ctx.artifacts.write` returned).
 */
function checkFields(
  prefix: string,
  fields: IoField[],
  value: unknown,
  files: ReadonlySet<string>,
  direction: 'input' | 'output',
): FieldError[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return [{ field: prefix, message: `must be an object, got ${typeOf(value)}` }];
  }
  const record = value as Record<string, unknown>;
  const errors: FieldError[] = [];
  for (const f of fields) {
    const v = Object.hasOwn(record, f.name) ? record[f.name] : undefined;
    const field = `${prefix}.${f.name}`;
    if (v === undefined || v === null) {
      if (f.required) errors.push({ field, message: 'required' });
      continue;
    }
    if (f.type === 'file') {
      const named = typeof v === 'object' && !Array.isArray(v) ? (v as { name?: unknown; id?: unknown }) : undefined;
      const refs = typeof v === 'string' ? [v] : [named?.name, named?.id].filter((r) => typeof r === 'string');
      if (refs.length === 0 || (direction === 'input' && typeof v !== 'string')) {
        errors.push({
          field,
          message:
            direction === 'input'
              ? 'must be the name of a file sent with the run'
              : 'must name an artifact the run wrote (or be the object ctx.artifacts.write returned)',
        });
      } else if (!refs.some((r) => files.has(r as string))) {
        const where = direction === 'input' ? 'was sent with the run' : 'was written by the run';
        errors.push({ field, message: `no file "${refs[0]}" ${where}` });
      }
    } else if (f.type === 'number' ? typeof v !== 'number' || !Number.isFinite(v) : typeOf(v) !== f.type) {
      errors.push({ field, message: `must be ${f.type === 'array' || f.type === 'object' ? 'an' : 'a'} ${f.type}` });
    }
  }
  return errors;
}

function checkSchema(prefix: string, schema: Record<string, unknown>, value: unknown): FieldError[] {
  const fn = compile(schema);
  if (fn instanceof Error) return [{ field: prefix, message: `the declared JSON Schema is not valid: ${fn.message}` }];
  if (fn(value)) return [];
  return (fn.errors ?? []).map((e) => {
    const missing = e.keyword === 'required' ? `.${(e.params as { missingProperty: string }).missingProperty}` : '';
    const path = e.instancePath.split('/').filter(Boolean).join('.');
    return { field: [prefix, path].filter(Boolean).join('.') + missing, message: e.message ?? 'is not valid' };
  });
}

/** Field errors of `input` for `contract`; `files` are the names of the files sent with the run. */
export function validateInput(contract: IoContract, input: unknown, files: ReadonlySet<string>): FieldError[] {
  if (JSON.stringify(input ?? null).length > MAX_INPUT_BYTES) {
    return [{ field: 'input', message: `larger than ${MAX_INPUT_BYTES} bytes` }];
  }
  if (contract.inputSchema) return checkSchema('input', contract.inputSchema, input);
  if (contract.inputs) return checkFields('input', contract.inputs, input ?? {}, files, 'input');
  return [];
}

/** The error a run ends with when its input is not valid (`invalid_input`, every field listed), or undefined. */
export function inputError(
  contract: IoContract,
  input: unknown,
  files: ReadonlySet<string>,
): (RunError & { errors: FieldError[] }) | undefined {
  const errors = validateInput(contract, input, files);
  if (errors.length === 0) return undefined;
  const n = errors.length;
  return { type: 'invalid_input', message: `The input has ${n} invalid field${n === 1 ? '' : 's'}`, errors };
}

/** Field errors of a skill's output; `artifacts` are the names and ids of the artifacts the run wrote. */
export function validateOutput(contract: IoContract, output: unknown, artifacts: ReadonlySet<string>): FieldError[] {
  if (contract.outputSchema) return checkSchema('output', contract.outputSchema, output);
  if (contract.outputs?.length) return checkFields('output', contract.outputs, output ?? {}, artifacts, 'output');
  return [];
}
