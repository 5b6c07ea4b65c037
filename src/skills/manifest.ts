import matter from 'gray-matter';
import semver from 'semver';
import { z } from 'zod';
import type { FieldError } from '../errors.ts';

/** A declared input or output of a skill. */
export const IoFieldSchema = z.object({
  name: z.string().min(1).max(128),
  type: z.enum(['string', 'number', 'boolean', 'object', 'array', 'file']),
  mime: z.string().max(255).optional(),
  description: z.string().max(2000).optional(),
  required: z.boolean().optional(),
});
export type IoField = z.infer<typeof IoFieldSchema>;

/** The normalised SKILL.md front matter: the Agent Skills fields plus open-skills' own. */
export interface SkillManifest {
  name: string;
  description: string;
  version?: string;
  license?: string;
  compatibility?: string;
  metadata: Record<string, string>;
  allowedTools?: string;
  entrypoint?: string;
  inputs?: IoField[];
  outputs?: IoField[];
  inputSchema?: Record<string, unknown>;
  outputSchema?: Record<string, unknown>;
  tags: string[];
  allowNetwork: boolean;
  networkAllowlist: string[];
  secrets: string[];
  timeoutMs?: number;
  memoryMb?: number;
}

export interface ParsedSkillMd {
  manifest: SkillManifest;
  /** The Markdown body: the instructions an agent reads. */
  instructions: string;
  /** The front matter as written, kept for clients that read fields we do not know. */
  frontMatter: Record<string, unknown>;
  errors: FieldError[];
  warnings: FieldError[];
}

export const NAME_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const KNOWN_FIELDS = new Set([
  'name',
  'description',
  'license',
  'compatibility',
  'metadata',
  'allowed-tools',
  'version',
  'entrypoint',
  'inputs',
  'outputs',
  'input_schema',
  'output_schema',
  'tags',
  'allow_network',
  'network_allowlist',
  'secrets',
  'timeout_ms',
  'memory_mb',
]);
const RESERVED_WORDS = ['anthropic', 'claude'];
const field = (name: string) => `SKILL.md#${name}`;

/**
 * Quotes `key: value` lines whose value holds an unquoted `: `, the most common YAML mistake in hand-written
 * SKILL.md files; the Agent Skills client guide advises retrying this way.
 */
function quoteColonValues(yaml: string): string {
  return yaml
    .split('\n')
    .map((line) => {
      const match = /^([A-Za-z_][\w-]*):\s+(.*\S)\s*$/.exec(line);
      if (!match) return line;
      const [, key, value] = match as unknown as [string, string, string];
      if (/^["'|>[{&*!]/.test(value) || !value.includes(': ')) return line;
      return `${key}: ${JSON.stringify(value)}`;
    })
    .join('\n');
}

function parseFrontMatter(text: string): { data: Record<string, unknown>; body: string; lenient: boolean } {
  // Passing options disables gray-matter's cache, which would hand back one shared object for equal inputs.
  const parse = (source: string) => matter(source, { excerpt: false });
  try {
    const parsed = parse(text);
    return { data: parsed.data, body: parsed.content, lenient: false };
  } catch (first) {
    const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(text);
    if (!match) throw first;
    try {
      const parsed = parse(`---\n${quoteColonValues(match[1] ?? '')}\n---\n${match[2] ?? ''}`);
      return { data: parsed.data, body: parsed.content, lenient: true };
    } catch {
      throw first;
    }
  }
}

const asStringList = (value: unknown): string[] | undefined => {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value.split(/[\s,]+/).filter(Boolean);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number')) {
    return value.map(String);
  }
  return undefined;
};

/** Parses and validates SKILL.md. Never throws: problems come back as errors (blocking) and warnings. */
export function parseSkillMd(text: string, folderName: string | undefined): ParsedSkillMd {
  const errors: FieldError[] = [];
  const warnings: FieldError[] = [];
  let data: Record<string, unknown> = {};
  let body = text;
  if (!/^---\r?\n/.test(text)) {
    errors.push({ field: 'SKILL.md', message: 'SKILL.md must start with YAML front matter between --- lines' });
  } else {
    try {
      const parsed = parseFrontMatter(text);
      data = parsed.data ?? {};
      body = parsed.body;
      if (parsed.lenient) {
        warnings.push({
          field: 'SKILL.md',
          message: 'front matter is not valid YAML; read it leniently by quoting values that contain ": "',
        });
      }
    } catch (error) {
      errors.push({
        field: 'SKILL.md',
        message: `front matter is not valid YAML: ${(error as Error).message.split('\n')[0]}`,
      });
    }
  }

  const str = (key: string) => (typeof data[key] === 'string' ? (data[key] as string).trim() : undefined);
  const name = str('name') ?? '';
  if (!name) errors.push({ field: field('name'), message: 'name is required' });
  else if (name.length > 64 || !NAME_PATTERN.test(name)) {
    errors.push({
      field: field('name'),
      message: 'name must be 1-64 lowercase letters, digits and single hyphens, not starting or ending with a hyphen',
    });
  } else if (folderName !== undefined && folderName !== name) {
    errors.push({ field: field('name'), message: `name "${name}" must equal the folder name "${folderName}"` });
  }
  if (name && RESERVED_WORDS.some((w) => name.includes(w))) {
    warnings.push({ field: field('name'), message: `name contains a reserved word (${RESERVED_WORDS.join(', ')})` });
  }

  const description = str('description') ?? '';
  if (!description) errors.push({ field: field('description'), message: 'description is required' });
  else if (description.length > 1024) {
    warnings.push({
      field: field('description'),
      message: `description is ${description.length} characters; the spec allows 1024`,
    });
  }

  const compatibility = str('compatibility');
  if (compatibility && compatibility.length > 500) {
    warnings.push({ field: field('compatibility'), message: 'compatibility should be at most 500 characters' });
  }

  const metadata: Record<string, string> = {};
  if (data['metadata'] !== undefined) {
    if (typeof data['metadata'] !== 'object' || data['metadata'] === null || Array.isArray(data['metadata'])) {
      warnings.push({ field: field('metadata'), message: 'metadata should be a map of strings; ignored' });
    } else {
      for (const [key, value] of Object.entries(data['metadata'] as Record<string, unknown>)) {
        metadata[key] = typeof value === 'string' ? value : JSON.stringify(value);
      }
    }
  }

  let version: string | undefined;
  const rawVersion = data['version'] ?? metadata['version'];
  if (rawVersion !== undefined && rawVersion !== null) {
    const text = String(rawVersion).trim();
    const valid = semver.valid(text);
    const coerced = valid ? null : semver.coerce(text);
    if (valid) version = valid;
    else if (coerced && /^\d+(\.\d+)?$/.test(text)) {
      version = coerced.version;
      warnings.push({ field: field('version'), message: `version "${text}" read as ${version}` });
    } else errors.push({ field: field('version'), message: `version "${text}" is not valid semver (e.g. 1.2.0)` });
  }

  const entrypoint = str('entrypoint');
  if (entrypoint !== undefined && !/\.(m?js|ts|mts)$/.test(entrypoint)) {
    errors.push({
      field: field('entrypoint'),
      message: 'entrypoint must be a .js, .mjs or .ts file (e.g. scripts/main.ts)',
    });
  }

  const io = (key: 'inputs' | 'outputs') => {
    if (data[key] === undefined) return undefined;
    const parsed = z.array(IoFieldSchema).safeParse(data[key]);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) {
      errors.push({ field: field([key, ...issue.path].join('.')), message: issue.message });
    }
    return undefined;
  };
  const schema = (key: 'input_schema' | 'output_schema') => {
    const value = data[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      errors.push({ field: field(key), message: `${key} must be a JSON Schema object` });
      return undefined;
    }
    return value as Record<string, unknown>;
  };
  const positive = (key: string, max: number) => {
    const value = data[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0 || value > max) {
      errors.push({ field: field(key), message: `${key} must be a whole number between 1 and ${max}` });
      return undefined;
    }
    return value;
  };

  const tags = asStringList(data['tags']);
  if (data['tags'] !== undefined && !tags)
    warnings.push({ field: field('tags'), message: 'tags should be a list of strings; ignored' });
  const secrets = asStringList(data['secrets']) ?? [];
  for (const secret of secrets) {
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,127}$/.test(secret)) {
      errors.push({
        field: field('secrets'),
        message: `secret name "${secret}" must look like an identifier (A-Z, 0-9, _)`,
      });
    }
  }
  const allowNetwork = data['allow_network'];
  if (allowNetwork !== undefined && typeof allowNetwork !== 'boolean') {
    errors.push({ field: field('allow_network'), message: 'allow_network must be true or false' });
  }
  const networkAllowlist = asStringList(data['network_allowlist']) ?? [];
  for (const host of networkAllowlist) {
    if (!/^(\*\.)?[a-z0-9.-]+(:\d+)?$/i.test(host)) {
      errors.push({
        field: field('network_allowlist'),
        message: `"${host}" is not a host pattern (e.g. api.example.com or *.example.com)`,
      });
    }
  }

  for (const key of Object.keys(data)) {
    if (!KNOWN_FIELDS.has(key))
      warnings.push({ field: field(key), message: `unknown field "${key}" is kept but not used` });
  }

  const manifest: SkillManifest = {
    name,
    description,
    version,
    license: str('license'),
    compatibility,
    metadata,
    allowedTools: asStringList(data['allowed-tools'])?.join(' '),
    entrypoint,
    inputs: io('inputs'),
    outputs: io('outputs'),
    inputSchema: schema('input_schema'),
    outputSchema: schema('output_schema'),
    tags: [...new Set((tags ?? []).map((t) => t.toLowerCase()))],
    allowNetwork: allowNetwork === true,
    networkAllowlist,
    secrets,
    timeoutMs: positive('timeout_ms', 3_600_000),
    memoryMb: positive('memory_mb', 8192),
  };
  return { manifest, instructions: body.replace(/^\s*\n/, ''), frontMatter: data, errors, warnings };
}
