import type { Context } from 'hono';
import { AppError } from '../../errors.ts';
import { extractArchive, type RawFile } from '../../skills/archive.ts';
import { type Bundle, buildBundle } from '../../skills/bundle.ts';
import { DEFAULT_BUNDLE_LIMITS, formatBytes } from '../../skills/limits.ts';

export interface UploadForm {
  bundle: Bundle;
  publish: boolean;
  version?: string;
  visibility?: 'user' | 'org';
}

const flag = (value: unknown) => value === 'true' || value === '1' || value === 'on';

/**
 * Reads a multipart upload: either one `bundle` archive (zip or tar.gz) or `files[]` parts whose filenames are
 * paths under one top-level folder, as Anthropic's skills API takes them.
 */
export async function readUploadForm(c: Context): Promise<UploadForm> {
  const contentType = c.req.header('content-type') ?? '';
  if (!contentType.startsWith('multipart/form-data')) {
    throw new AppError(
      'unsupported_media_type',
      'Upload a bundle as multipart/form-data (a "bundle" file or "files[]")',
    );
  }
  let form: Record<string, unknown>;
  try {
    form = await c.req.parseBody({ all: true });
  } catch {
    throw new AppError('invalid_request', 'The multipart body cannot be read');
  }
  const limits = DEFAULT_BUNDLE_LIMITS;
  let raw: RawFile[];
  const archive = form['bundle'];
  const parts = [form['files[]'] ?? form['files']].flat().filter((p): p is File => p instanceof File);
  if (archive instanceof File) {
    raw = await extractArchive(new Uint8Array(await archive.arrayBuffer()), limits);
  } else if (parts.length > 0) {
    if (parts.length > limits.maxFiles) {
      throw new AppError('payload_too_large', `${parts.length} files sent; at most ${limits.maxFiles} are allowed`);
    }
    raw = [];
    let total = 0;
    for (const part of parts) {
      if (part.size > limits.maxFileBytes) {
        throw new AppError('payload_too_large', `${part.name} is over ${formatBytes(limits.maxFileBytes)}`);
      }
      total += part.size;
      raw.push({ path: part.name, data: new Uint8Array(await part.arrayBuffer()) });
    }
    if (total > limits.maxUncompressedBytes) {
      throw new AppError(
        'payload_too_large',
        `The files add up to more than ${formatBytes(limits.maxUncompressedBytes)}`,
      );
    }
  } else {
    throw new AppError('invalid_request', 'Send the bundle as a "bundle" file part or as "files[]" parts', {
      errors: [{ field: 'body.bundle', message: 'required' }],
    });
  }
  const visibility = form['visibility'];
  if (visibility !== undefined && visibility !== 'user' && visibility !== 'org') {
    throw new AppError('invalid_request', 'visibility must be "user" or "org"', {
      errors: [{ field: 'body.visibility', message: 'must be "user" or "org"' }],
    });
  }
  const version = typeof form['version'] === 'string' && form['version'] ? form['version'] : undefined;
  if (version !== undefined && !/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/.test(version)) {
    throw new AppError('invalid_request', `version "${version}" is not valid semver`, {
      errors: [{ field: 'body.version', message: 'must be semver, e.g. 1.2.0' }],
    });
  }
  return { bundle: await buildBundle(raw), publish: flag(form['publish']), version, visibility };
}
