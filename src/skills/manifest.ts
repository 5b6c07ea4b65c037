/**
 * SKILL.md: its front matter parsed leniently (problems come back as errors and warnings, never thrown) into the
 * normalised manifest, whose shape is the zod schema `SkillManifestSchema`. Versions store that manifest; stored
 * manifests are read back through the same schema.
 */
import semver from 'semver';
import { z } from 'zod';
import type { FieldError } from '../errors.ts';
import { splitFrontMatter } from './front-matter.ts';

/** A declared input or output of a skill. */
export const IoFieldSchema = z
  .object({
    name: z.string().min(1).max(128).meta({ description: 'Input or output name', example: 'csv' }),
    type: z
      .enum(['string', 'number', 'boolean', 'object', 'array', 'file'])
      .meta({ description: 'Value type; "file" means a file sent with the run', example: 'string' }),
    mime: z.string().max(255).optional().meta({ description: 'Media type of a file', example: 'text/csv' }),
    description: z.string().max(2000).optional().meta({ description: 'What it is', example: 'The CSV text' }),
    required: z.boolean().optional().meta({ description: 'Whether it must be given', example: true }),
  })
  .meta({ id: 'IoField' });
export type IoField = z.infer<typeof IoFieldSchema>;

const jsonSchemaObject = z.record(z.string(), z.unknown());

/** The normalised SKILL.md front matter: the Agent Skills fields plus open-skills' own. */
export const SkillManifestSchema = z.object({
  name: z.string(),
  description: z.string(),
  version: z.string().optional(),
  license: z.string().optional(),
  compatibility: z.string().optional(),
  metadata: z.record(z.string(), z.string()),
  allowedTools: z.string().optional(),
  entrypoint: z.string().optional(),
  inputs: z.array(IoFieldSchema).optional(),
  outputs: z.array(IoFieldSchema).optional(),
  inputSchema: jsonSchemaObject.optional(),
  outputSchema: jsonSchemaObject.optional(),
  tags: z.array(z.string()),
  allowNetwork: z.boolean(),
  networkAllowlist: z.array(z.string()),
  secrets: z.array(z.string()),
  timeoutMs: z.number().int().positive().optional(),
  memoryMb: z.number().int().positive().optional(),
});
export type SkillManifest = z.infer<typeof SkillManifestSchema>;

const StoredManifestSchema = SkillManifestSchema.partial();

/**
 * The manifest a version was stored with (`skill_versions.metadata.manifest`), read through the schema it was
 * written by; fields a version does not set are absent.
 */
export function storedManifest(metadata: { manifest?: unknown } | null | undefined): Partial<SkillManifest> {
  return StoredManifestSchema.parse(metadata?.manifest ?? {});
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

const asStringList = (value: unknown): string[] | undefined => {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value.split(/[\s,]+/).filter(Boolean);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number')) {
    return value.map(String);
  }
  return undefined;
};

/** The front matter being read, and what is wrong with it so far. */
interface Reading {
  data: Record<string, unknown>;
  errors: FieldError[];
  warnings: FieldError[];
}

const text = (r: Reading, key: string) =>
  typeof r.data[key] === 'string' ? (r.data[key] as string).trim() : undefined;

/** The Agent Skills fields: name, description, compatibility. */
function readIdentity(r: Reading, folderName: string | undefined) {
  const name = text(r, 'name') ?? '';
  if (!name) r.errors.push({ field: field('name'), message: 'name is required' });
  else if (name.length > 64 || !NAME_PATTERN.test(name)) {
    r.errors.push({
      field: field('name'),
      message: 'name must be 1-64 lowercase letters, digits and single hyphens, not starting or ending with a hyphen',
    });
  } else if (folderName !== undefined && folderName !== name) {
    r.errors.push({ field: field('name'), message: `name "${name}" must equal the folder name "${folderName}"` });
  }
  if (name && RESERVED_WORDS.some((w) => name.includes(w))) {
    r.warnings.push({ field: field('name'), message: `name contains a reserved word (${RESERVED_WORDS.join(', ')})` });
  }
  const description = text(r, 'description') ?? '';
  if (!description) r.errors.push({ field: field('description'), message: 'description is required' });
  else if (description.length > 1024) {
    r.warnings.push({
      field: field('description'),
      message: `description is ${description.length} characters; the spec allows 1024`,
    });
  }
  const compatibility = text(r, 'compatibility');
  if (compatibility && compatibility.length > 500) {
    r.warnings.push({ field: field('compatibility'), message: 'compatibility should be at most 500 characters' });
  }
  return { name, description, compatibility };
}

function readMetadata(r: Reading): Record<string, string> {
  const metadata: Record<string, string> = {};
  const value = r.data['metadata'];
  if (value === undefined) return metadata;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    r.warnings.push({ field: field('metadata'), message: 'metadata should be a map of strings; ignored' });
    return metadata;
  }
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    metadata[key] = typeof item === 'string' ? item : JSON.stringify(item);
  }
  return metadata;
}

/** `version` (or `metadata.version`) as semver; "1" and "1.2" are read as 1.0.0 and 1.2.0 with a warning. */
function readVersion(r: Reading, metadata: Record<string, string>): string | undefined {
  const raw = r.data['version'] ?? metadata['version'];
  if (raw === undefined || raw === null) return undefined;
  const written = String(raw).trim();
  const valid = semver.valid(written);
  if (valid) return valid;
  const coerced = semver.coerce(written);
  if (coerced && /^\d+(\.\d+)?$/.test(written)) {
    r.warnings.push({ field: field('version'), message: `version "${written}" read as ${coerced.version}` });
    return coerced.version;
  }
  r.errors.push({ field: field('version'), message: `version "${written}" is not valid semver (e.g. 1.2.0)` });
  return undefined;
}

/** The module that exports `run`; none means instructions only. */
function readEntrypoint(r: Reading): string | undefined {
  const entrypoint = text(r, 'entrypoint');
  if (entrypoint !== undefined && !/\.(m?js|ts|mts)$/.test(entrypoint)) {
    r.errors.push({
      field: field('entrypoint'),
      message: 'entrypoint must be a .js, .mjs or .ts file (e.g. scripts/main.ts)',
    });
  }
  return entrypoint;
}

/** Declared inputs and outputs, their JSON Schemas and the requested limits. */
function readRunFields(r: Reading) {
  const io = (key: 'inputs' | 'outputs') => {
    if (r.data[key] === undefined) return undefined;
    const parsed = z.array(IoFieldSchema).safeParse(r.data[key]);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) {
      r.errors.push({ field: field([key, ...issue.path].join('.')), message: issue.message });
    }
    return undefined;
  };
  const schema = (key: 'input_schema' | 'output_schema') => {
    const value = r.data[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      r.errors.push({ field: field(key), message: `${key} must be a JSON Schema object` });
      return undefined;
    }
    return value as Record<string, unknown>;
  };
  const positive = (key: string, max: number) => {
    const value = r.data[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0 || value > max) {
      r.errors.push({ field: field(key), message: `${key} must be a whole number between 1 and ${max}` });
      return undefined;
    }
    return value;
  };
  return {
    inputs: io('inputs'),
    outputs: io('outputs'),
    inputSchema: schema('input_schema'),
    outputSchema: schema('output_schema'),
    timeoutMs: positive('timeout_ms', 3_600_000),
    memoryMb: positive('memory_mb', 8192),
  };
}

/** What a run may reach: secrets, network and its allowlist. */
function readAccess(r: Reading) {
  const secrets = asStringList(r.data['secrets']) ?? [];
  for (const secret of secrets) {
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,127}$/.test(secret)) {
      r.errors.push({
        field: field('secrets'),
        message: `secret name "${secret}" must look like an identifier (A-Z, 0-9, _)`,
      });
    }
  }
  const allowNetwork = r.data['allow_network'];
  if (allowNetwork !== undefined && typeof allowNetwork !== 'boolean') {
    r.errors.push({ field: field('allow_network'), message: 'allow_network must be true or false' });
  }
  const networkAllowlist = asStringList(r.data['network_allowlist']) ?? [];
  for (const host of networkAllowlist) {
    if (!/^(\*\.)?[a-z0-9.-]+(:\d+)?$/i.test(host)) {
      r.errors.push({
        field: field('network_allowlist'),
        message: `"${host}" is not a host pattern (e.g. api.example.com or *.example.com)`,
      });
    }
  }
  return { secrets, allowNetwork: allowNetwork === true, networkAllowlist };
}

function readTags(r: Reading): string[] {
  const tags = asStringList(r.data['tags']);
  if (r.data['tags'] !== undefined && !tags) {
    r.warnings.push({ field: field('tags'), message: 'tags should be a list of strings; ignored' });
  }
  return [...new Set((tags ?? []).map((t) => t.toLowerCase()))];
}

/** The run settings of a (stored) manifest, each with its default when the version does not set it. */
export function runSettings(m: Partial<SkillManifest>) {
  return {
    inputSchema: m.inputSchema ?? null,
    outputSchema: m.outputSchema ?? null,
    allowNetwork: m.allowNetwork ?? false,
    networkAllowlist: m.networkAllowlist ?? [],
    secrets: m.secrets ?? [],
    timeoutMs: m.timeoutMs ?? null,
    memoryMb: m.memoryMb ?? null,
  };
}

/** Parses and validates SKILL.md. Never throws: problems come back as errors (blocking) and warnings. */
export function parseSkillMd(source: string, folderName: string | undefined): ParsedSkillMd {
  const { body, ...r } = splitFrontMatter(source) satisfies Reading & { body: string };
  const identity = readIdentity(r, folderName);
  const metadata = readMetadata(r);
  const version = readVersion(r, metadata);
  const entrypoint = readEntrypoint(r);
  const tags = readTags(r);
  const access = readAccess(r);
  for (const key of Object.keys(r.data)) {
    if (!KNOWN_FIELDS.has(key)) {
      r.warnings.push({ field: field(key), message: `unknown field "${key}" is kept but not used` });
    }
  }
  const run = readRunFields(r);
  const manifest: SkillManifest = {
    ...identity,
    version,
    license: text(r, 'license'),
    metadata,
    allowedTools: asStringList(r.data['allowed-tools'])?.join(' '),
    entrypoint,
    ...run,
    tags,
    ...access,
  };
  return {
    manifest,
    instructions: body.replace(/^\s*\n/, ''),
    frontMatter: r.data,
    errors: r.errors,
    warnings: r.warnings,
  };
}
