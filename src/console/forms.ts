/**
 * From HTML forms to what services take, and from service errors back to messages beside the form's fields. The
 * checks themselves are the API's (its zod schemas, the bundle reader, the services); this module only translates.
 */
import type { z } from '@hono/zod-openapi';
import type { FormErrors } from '../../views/components.tsx';
import { BundleUploadSchema } from '../api/skills/skills.routes.ts';
import { AppError, type FieldError } from '../errors.ts';
import { type FormBody, field, files } from './context.ts';

/** Errors a form can show and the person can fix; anything else (403, 404, 500) becomes the error page. */
const FIXABLE = new Set(['invalid_request', 'invalid_bundle', 'unprocessable', 'conflict', 'payload_too_large']);

export const isFixable = (error: unknown): error is AppError => error instanceof AppError && FIXABLE.has(error.code);

/**
 * Sorts an error's field errors (and warnings) to the form fields they are about; `route` names the form field of a
 * reported field, or undefined for the form as a whole. The error's own message heads the form.
 */
export function formErrors(error: AppError, route: (field: string) => string | undefined): FormErrors {
  const out: FormErrors = { '': [{ field: '', message: error.message }] };
  const warnings = (error.options.warnings ?? []).map((w) => ({ ...w, message: `warning: ${w.message}` }));
  for (const problem of [...(error.options.errors ?? []), ...warnings]) {
    const key = route(problem.field) ?? '';
    const shown: FieldError = problem.field.startsWith('body.')
      ? problem
      : { ...problem, message: `${problem.field}: ${problem.message}` };
    out[key] = [...(out[key] ?? []), shown];
  }
  return out;
}

/** Zod issues as an AppError the form shows, naming fields as the form does. */
export function invalidForm(issues: readonly z.core.$ZodIssue[], message = 'Some fields need fixing'): AppError {
  return new AppError('invalid_request', message, {
    errors: issues.map((issue) => ({ field: `body.${issue.path.join('.')}`, message: issue.message })),
  });
}

/** Bundle problems sit beside the archive/folder field; a version problem beside the version field. */
export const bundleField = (reported: string) =>
  reported === 'body.version'
    ? 'version'
    : reported.startsWith('body.') && reported !== 'body.bundle'
      ? undefined
      : 'bundle';

/**
 * A bundle upload form (an archive, or the files of a folder input) as the API's multipart upload. A folder's files
 * are named by their path inside it: the browser's file name when it carries the path, else the `paths` field that
 * console.js fills from `webkitRelativePath`.
 */
export function bundleUpload(form: FormBody) {
  const [bundle] = files(form, 'bundle');
  let folder = files(form, 'files[]');
  const paths = parsePaths(field(form, 'paths'));
  if (paths && paths.length === folder.length) {
    folder = folder.map((file, i) =>
      file.name.includes('/') ? file : new File([file], paths[i]!, { type: file.type }),
    );
  }
  const upload = {
    bundle,
    'files[]': folder.length ? folder : undefined,
    publish: field(form, 'publish') || undefined,
    version: field(form, 'version').trim() || undefined,
    visibility: field(form, 'visibility') || undefined,
  };
  const parsed = BundleUploadSchema.safeParse(upload);
  if (!parsed.success) throw invalidForm(parsed.error.issues, 'The upload is not valid');
  return parsed.data;
}

function parsePaths(text: string): string[] | undefined {
  if (!text) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined;
  } catch {
    return undefined;
  }
}
