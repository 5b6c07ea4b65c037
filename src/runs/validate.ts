/**
 * Checks a run's input against the version's declared `inputs` (list form) or `input_schema` (JSON Schema), and
 * its output against `output_schema` / `outputs`. Problems come back as field errors; nothing throws.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import type { FieldError } from '../errors.ts';
import type { IoField } from '../skills/manifest.ts';
import type { RuntimeVersion } from '../skills/runnable.ts';

const ajv = new Ajv({ allErrors: true, strict: false });
// Compiled schemas by version id and direction; versions are immutable.
const compiled = new Map<string, ValidateFunction | Error>();

function compile(key: string, schema: Record<string, unknown>): ValidateFunction | Error {
  let fn = compiled.get(key);
  if (!fn) {
    try {
      fn = ajv.compile(schema);
    } catch (error) {
      fn = error as Error;
    }
    if (compiled.size > 1000) compiled.clear();
    compiled.set(key, fn);
  }
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

function checkSchema(key: string, prefix: string, schema: Record<string, unknown>, value: unknown): FieldError[] {
  const fn = compile(key, schema);
  if (fn instanceof Error) return [{ field: prefix, message: `the declared JSON Schema is not valid: ${fn.message}` }];
  if (fn(value)) return [];
  return (fn.errors ?? []).map((e) => {
    const missing = e.keyword === 'required' ? `.${(e.params as { missingProperty: string }).missingProperty}` : '';
    const path = e.instancePath.split('/').filter(Boolean).join('.');
    return { field: [prefix, path].filter(Boolean).join('.') + missing, message: e.message ?? 'is not valid' };
  });
}

/** Field errors of `input` for `version`; `files` are the names of the files sent with the run. */
export function validateInput(version: RuntimeVersion, input: unknown, files: ReadonlySet<string>): FieldError[] {
  if (version.inputSchema) return checkSchema(`${version.id}:in`, 'input', version.inputSchema, input);
  if (version.inputs) return checkFields('input', version.inputs, input ?? {}, files, 'input');
  return [];
}

/** Field errors of a skill's output; `artifacts` are the names and ids of the artifacts the run wrote. */
export function validateOutput(version: RuntimeVersion, output: unknown, artifacts: ReadonlySet<string>): FieldError[] {
  if (version.outputSchema) return checkSchema(`${version.id}:out`, 'output', version.outputSchema, output);
  if (version.outputs?.length) return checkFields('output', version.outputs, output ?? {}, artifacts, 'output');
  return [];
}
