/**
 * SKILL.md: its front matter parsed leniently (problems come back as errors and warnings, never thrown) into the
 * normalised manifest, whose shape is the zod schema `SkillManifestSchema`. Versions store that manifest; stored
 * manifests are read back through the same schema.
 */
import semver from 'semver';
import { z } from 'zod';
import type { FieldError } from '../errors.ts';
import { type FrontMatter, fieldNode, sourceText, splitFrontMatter } from './front-matter.ts';
import { formatBytes } from './limits.ts';
import { normalizeName, skillNameProblem } from './names.ts';

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

/** Hard caps on what one SKILL.md may declare, so no single skill makes listings or prompt blocks huge. */
export const MANIFEST_LIMITS = {
  /** The Agent Skills specification's limit (the reference validator refuses longer descriptions). */
  descriptionChars: 1024,
  compatibilityChars: 500,
  tags: 50,
  tagChars: 64,
  metadataEntries: 100,
  /** `metadata` as JSON. */
  metadataBytes: 16 * 1024,
  ioFields: 64,
} as const;

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
  document?: FrontMatter['document'];
  errors: FieldError[];
  warnings: FieldError[];
}

const text = (r: Reading, key: string) =>
  typeof r.data[key] === 'string' ? (r.data[key] as string).trim() : undefined;

/** The Agent Skills fields: name, description, compatibility (rules and limits of the reference validator). */
function readIdentity(r: Reading, folderName: string | undefined) {
  const name = normalizeName(text(r, 'name') ?? '');
  const problem = skillNameProblem(name);
  if (r.data['name'] === undefined) r.errors.push({ field: field('name'), message: 'name is required' });
  else if (problem) {
    const rule = 'names are 1-64 lowercase letters or digits (any script) and single hyphens';
    r.errors.push({ field: field('name'), message: `name "${name}" ${problem} (${rule})` });
  } else if (folderName !== undefined && normalizeName(folderName) !== name) {
    r.errors.push({ field: field('name'), message: `name "${name}" must equal the folder name "${folderName}"` });
  }
  if (name && RESERVED_WORDS.some((w) => name.includes(w))) {
    r.warnings.push({ field: field('name'), message: `name contains a reserved word (${RESERVED_WORDS.join(', ')})` });
  }
  const description = text(r, 'description') ?? '';
  const limit = MANIFEST_LIMITS.descriptionChars;
  if (!description) r.errors.push({ field: field('description'), message: 'description is required' });
  else if (description.length > limit) {
    r.errors.push({
      field: field('description'),
      message: `description is ${description.length} characters; at most ${limit} are allowed`,
    });
  }
  const compatibility = text(r, 'compatibility');
  if (compatibility && compatibility.length > MANIFEST_LIMITS.compatibilityChars) {
    r.errors.push({
      field: field('compatibility'),
      message: `compatibility is ${compatibility.length} characters; at most ${MANIFEST_LIMITS.compatibilityChars} are allowed`,
    });
  }
  return { name, description, compatibility };
}

/**
 * `metadata`: a map of strings, each value as the author wrote it (`version: 1.0` stays "1.0"); nested values are
 * kept as JSON text. Capped in entries and bytes.
 */
function readMetadata(r: Reading): Record<string, string> {
  const metadata: Record<string, string> = {};
  const value = r.data['metadata'];
  if (value === undefined || value === null) return metadata;
  if (typeof value !== 'object' || Array.isArray(value)) {
    r.warnings.push({ field: field('metadata'), message: 'metadata should be a map of strings; ignored' });
    return metadata;
  }
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    metadata[key] =
      sourceText(fieldNode(r.document, 'metadata', key)) ?? (typeof item === 'string' ? item : JSON.stringify(item));
  }
  const entries = Object.keys(metadata).length;
  const bytes = Buffer.byteLength(JSON.stringify(metadata));
  if (entries > MANIFEST_LIMITS.metadataEntries || bytes > MANIFEST_LIMITS.metadataBytes) {
    r.errors.push({
      field: field('metadata'),
      message: `metadata has ${entries} ${entries === 1 ? 'entry' : 'entries'} (${formatBytes(bytes)}); at most ${MANIFEST_LIMITS.metadataEntries} entries and ${formatBytes(MANIFEST_LIMITS.metadataBytes)} are allowed`,
    });
  }
  return metadata;
}

/**
 * The version. `version:` is open-skills' own field and must be semver (`1.0` is an error naming `1.0.0`);
 * `metadata.version` is the author's free text for other tools, read when it is semver, or a short `1`/`1.2`
 * (as 1.0.0 / 1.2.0, with a warning), and otherwise ignored with a warning.
 */
function readVersion(r: Reading, metadata: Record<string, string>): string | undefined {
  const own = r.data['version'];
  if (own !== undefined && own !== null) {
    const written = (sourceText(fieldNode(r.document, 'version')) ?? String(own)).trim();
    const valid = semver.valid(written);
    if (valid) return valid;
    const suggestion = semver.coerce(written)?.version;
    r.errors.push({
      field: field('version'),
      message: `version "${written}" is not valid semver${suggestion ? `; write ${suggestion}` : ' (e.g. 1.2.0)'}`,
    });
    return undefined;
  }
  const written = metadata['version']?.trim();
  if (!written) return undefined;
  const valid = semver.valid(written);
  if (valid) return valid;
  const coerced = semver.coerce(written);
  if (coerced && /^v?\d+(\.\d+)?$/.test(written)) {
    r.warnings.push({ field: field('metadata.version'), message: `version "${written}" read as ${coerced.version}` });
    return coerced.version;
  }
  r.warnings.push({
    field: field('metadata.version'),
    message: `metadata.version "${written}" is not semver; not used as the version`,
  });
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
    const parsed = z.array(IoFieldSchema).max(MANIFEST_LIMITS.ioFields).safeParse(r.data[key]);
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

/** `allowed-tools`: a string as written, or a list of strings joined by spaces (as the reference reads it). */
function readAllowedTools(r: Reading): string | undefined {
  const value = r.data['allowed-tools'];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value.trim();
  if (Array.isArray(value)) {
    if (value.every((item) => typeof item === 'string')) return value.join(' ');
    r.errors.push({ field: field('allowed-tools'), message: 'allowed-tools list items must all be strings' });
    return undefined;
  }
  r.errors.push({ field: field('allowed-tools'), message: 'allowed-tools must be a string or a list of strings' });
  return undefined;
}

function readTags(r: Reading): string[] {
  const tags = asStringList(r.data['tags']);
  if (r.data['tags'] !== undefined && !tags) {
    r.warnings.push({ field: field('tags'), message: 'tags should be a list of strings; ignored' });
  }
  const unique = [...new Set((tags ?? []).map((t) => t.toLowerCase()))];
  const { tags: maxTags, tagChars } = MANIFEST_LIMITS;
  if (unique.length > maxTags) {
    r.errors.push({ field: field('tags'), message: `${unique.length} tags; at most ${maxTags} are allowed` });
  }
  const long = unique.find((tag) => tag.length > tagChars);
  if (long) {
    r.errors.push({ field: field('tags'), message: `tag "${long.slice(0, 20)}…" is over ${tagChars} characters` });
  }
  return unique;
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
  if (r.errors.length > 0) {
    // The front matter could not be read: its one error says why, and nothing read from it would be true.
    const manifest = SkillManifestSchema.parse(EMPTY_MANIFEST);
    return { manifest, instructions: body, frontMatter: {}, errors: r.errors, warnings: r.warnings };
  }
  const identity = readIdentity(r, folderName);
  const metadata = readMetadata(r);
  const version = readVersion(r, metadata);
  const entrypoint = readEntrypoint(r);
  const tags = readTags(r);
  const access = readAccess(r);
  const allowedTools = readAllowedTools(r);
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
    allowedTools,
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

const EMPTY_MANIFEST = {
  name: '',
  description: '',
  metadata: {},
  tags: [],
  allowNetwork: false,
  networkAllowlist: [],
  secrets: [],
} satisfies SkillManifest;
