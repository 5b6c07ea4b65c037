/**
 * Multipart bodies, read in one place: the zod building blocks route schemas declare their parts with (files, JSON
 * text, flags), and the readers that turn validated parts into what services take (a run's files, a bundle).
 */
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { AppError } from '../errors.ts';
import { jsonTextProblem } from '../json-bounds.ts';
import { extractArchive, type RawFile } from '../skills/archive.ts';
import { type Bundle, buildBundle } from '../skills/bundle.ts';
import { DEFAULT_BUNDLE_LIMITS, formatBytes } from '../skills/limits.ts';

/** One file part. */
export const FilePartSchema = z.instanceof(File).openapi({ type: 'string', format: 'binary' });

/** A field that may be sent once (a file) or repeated (an array of files). */
export const FilePartsSchema = z.union([FilePartSchema, z.array(FilePartSchema)]);

/** A part holding JSON (as text, or as a file such as `curl -F request=@run.json`), parsed, then checked by `schema`. */
export function jsonPart<T extends z.ZodType>(schema: T, description: string, example: string) {
  return z
    .union([z.string(), FilePartSchema])
    .openapi({ type: 'string', description, example })
    .transform(async (part, ctx) => {
      const text = typeof part === 'string' ? part : await part.text();
      const problem = jsonTextProblem(text);
      if (problem) {
        ctx.addIssue({ code: 'custom', message: problem });
        return z.NEVER;
      }
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be JSON' });
        return z.NEVER;
      }
    })
    .pipe(schema);
}

/** A "true"/"false" text part; "1" and "on" (what HTML forms send) count as true. */
export const flagPart = (description: string) =>
  z
    .enum(['true', 'false', '1', '0', 'on', 'off'])
    .optional()
    .openapi({ description, example: 'true' })
    .transform((value) => value === 'true' || value === '1' || value === 'on');

/** Whether the request body is multipart (for routes that take JSON or multipart). */
export const isMultipart = (c: Context) =>
  (c.req.header('content-type') ?? '').toLowerCase().startsWith('multipart/form-data');

/** The file parts of a form as name -> bytes: a part is named by its field, or by its filename under `filesField`. */
export async function readFileParts(
  form: Record<string, unknown>,
  filesField: string,
): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  for (const [field, value] of Object.entries(form)) {
    for (const part of [value].flat()) {
      if (!(part instanceof File)) continue;
      const name = field === filesField || field === `${filesField}[]` ? part.name : field;
      files.set(name, new Uint8Array(await part.arrayBuffer()));
    }
  }
  return files;
}

/**
 * Reads an uploaded bundle: either one `bundle` archive (zip or tar.gz) or file parts whose filenames are paths
 * under one top-level folder (`files[]`, as Anthropic's skills API takes them), within the bundle limits.
 */
export async function readBundleParts(form: {
  bundle?: File;
  files?: File | File[];
  'files[]'?: File[];
}): Promise<Bundle> {
  const limits = DEFAULT_BUNDLE_LIMITS;
  const parts = [form['files[]'] ?? form.files ?? []].flat();
  let raw: RawFile[];
  if (form.bundle) {
    raw = await extractArchive(new Uint8Array(await form.bundle.arrayBuffer()), limits);
  } else if (parts.length > 0) {
    if (parts.length > limits.maxFiles) {
      throw new AppError('payload_too_large', `${parts.length} files sent; at most ${limits.maxFiles} are allowed`);
    }
    const oversized = parts.find((part) => part.size > limits.maxFileBytes);
    if (oversized) {
      throw new AppError('payload_too_large', `${oversized.name} is over ${formatBytes(limits.maxFileBytes)}`);
    }
    if (parts.reduce((sum, part) => sum + part.size, 0) > limits.maxUncompressedBytes) {
      throw new AppError(
        'payload_too_large',
        `The files add up to more than ${formatBytes(limits.maxUncompressedBytes)}`,
      );
    }
    raw = await Promise.all(
      parts.map(async (part) => ({ path: part.name, data: new Uint8Array(await part.arrayBuffer()) })),
    );
  } else {
    throw new AppError('invalid_request', 'Send the bundle as a "bundle" file part or as "files[]" parts', {
      errors: [{ field: 'body.bundle', message: 'required' }],
    });
  }
  return buildBundle(raw);
}
