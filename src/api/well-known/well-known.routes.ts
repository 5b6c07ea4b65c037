import { createRoute, z } from '@hono/zod-openapi';
import { problemResponse } from '../problem.ts';

export const WellKnownSkillSchema = z
  .object({
    name: z.string().openapi({ description: 'Skill name (its folder name when installed)', example: 'csv-to-json' }),
    description: z.string().openapi({ description: 'Description from SKILL.md', example: 'Converts CSV to JSON' }),
    version: z.string().openapi({ description: 'The published version served', example: '1.2.0' }),
    files: z
      .array(z.string())
      .openapi({ description: 'Every file of that version, relative to the skill folder', example: ['SKILL.md'] }),
    digests: z.record(z.string(), z.string()).openapi({
      description: 'SHA-256 of each file\'s bytes, as "sha256:<hex>", by path',
      example: { 'SKILL.md': 'sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08' },
    }),
  })
  .openapi('WellKnownSkill');

export const WellKnownIndexSchema = z
  .object({ skills: z.array(WellKnownSkillSchema) })
  .openapi('WellKnownIndex', { description: 'The Agent Skills discovery index (files listed by path)' });

const OrgParam = z.object({
  org: z
    .string()
    .max(128)
    .openapi({ description: 'Organisation', example: 'acme', param: { name: 'org', in: 'path' } }),
});
const FileParams = z.object({
  name: z
    .string()
    .max(64)
    .openapi({ description: 'Skill name', example: 'csv-to-json', param: { name: 'name', in: 'path' } }),
  path: z
    .string()
    .max(1024)
    .openapi({
      description: 'Path inside the skill folder; slashes allowed',
      example: 'SKILL.md',
      param: { name: 'path', in: 'path' },
    }),
});

const indexResponses = {
  200: { description: 'The index', content: { 'application/json': { schema: WellKnownIndexSchema } } },
};
const fileResponses = {
  200: {
    description: 'The file, with its sha256 as ETag',
    content: { 'application/octet-stream': { schema: z.any().openapi({ type: 'string', format: 'binary' }) } },
  },
  304: { description: 'Not modified (If-None-Match)' },
  404: problemResponse('No public skill or file by that name'),
};

const PUBLIC_NOTE =
  'No token. Only the latest published version of each `public` skill is served; `/.well-known/skills/` is the ' +
  'same under its legacy path.';

export const index = createRoute({
  method: 'get',
  path: '/.well-known/agent-skills/index.json',
  tags: ['Well-known'],
  summary: "Index of the public skills of the server's organisation (PUBLIC_SKILLS_ORG)",
  description: PUBLIC_NOTE,
  security: [],
  responses: indexResponses,
});

export const file = createRoute({
  method: 'get',
  path: '/.well-known/agent-skills/{name}/{path}',
  tags: ['Well-known'],
  summary: 'One file of a public skill of the organisation PUBLIC_SKILLS_ORG names',
  description: PUBLIC_NOTE,
  security: [],
  request: { params: FileParams },
  responses: fileResponses,
});

export const orgIndex = createRoute({
  method: 'get',
  path: '/orgs/{org}/.well-known/agent-skills/index.json',
  tags: ['Well-known'],
  summary: 'Index of the public skills of an organisation (`npx skills add <server>/orgs/<org>`)',
  description: PUBLIC_NOTE,
  security: [],
  request: { params: OrgParam },
  responses: indexResponses,
});

export const orgFile = createRoute({
  method: 'get',
  path: '/orgs/{org}/.well-known/agent-skills/{name}/{path}',
  tags: ['Well-known'],
  summary: 'One file of a public skill of an organisation',
  description: PUBLIC_NOTE,
  security: [],
  request: { params: OrgParam.extend(FileParams.shape) },
  responses: fileResponses,
});
