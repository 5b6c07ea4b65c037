import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { normalizeName, skillNameProblem } from '../../skills/names.ts';
import { COMMON_OPTIONS, parse, positionals } from '../args.ts';
import { CliError, EXIT, type Io, usageError } from '../output.ts';

const skillMd = (name: string) => `---
name: ${name}
description: Greets a person by name and says how long the name is. Use when a user asks for a greeting, or to check that open-skills runs a skill end to end. Replace this with what your skill does and when an agent should use it.
version: 0.1.0
entrypoint: scripts/main.ts
license: Apache-2.0
tags: [example, greeting]
timeout_ms: 10000
memory_mb: 64
inputs:
  - name: name
    type: string
    description: Who to greet (default "world").
outputs:
  - name: greeting
    type: string
    description: The greeting.
  - name: length
    type: number
    description: Number of characters in the name.
---

# ${name}

Greets a person by name.

## When to use

- A user asks for a greeting.
- You want to check that skills run end to end.

## Input and output

Send \`{ "name": "Ada" }\`; the skill answers \`{ "greeting": "Hello, Ada!", "length": 3 }\`.
`;

const mainTs = `/**
 * Entry point of the skill: the sandbox calls \`run(input, ctx)\` and returns its JSON-serialisable result.
 * Only relative imports of files in this bundle work at run time; to use npm packages, publish with
 * \`open-skills pack --bundle-deps\` (publish does it for you when the entrypoint imports a package).
 */

/** The part of the sandbox context this skill uses (see the open-skills README for all of it). */
interface SkillContext {
  log(...args: unknown[]): void;
  files: { readText(name: string): Promise<string> };
  resources: { readText(path: string): Promise<string> };
  artifacts: { write(name: string, data: string | Uint8Array, options?: { mimeType?: string }): Promise<unknown> };
}

interface Input {
  name?: string;
}

export async function run(input: Input, ctx: SkillContext) {
  const name = input.name?.trim() || 'world';
  ctx.log(\`greeting \${name}\`);
  return { greeting: \`Hello, \${name}!\`, length: [...name].length };
}

export default run;
`;

const basicTest = {
  name: 'greets by name',
  input: { name: 'Ada' },
  expect: { status: 'succeeded', output: { greeting: 'Hello, Ada!', length: 3 } },
};

/** Trigger requests: the router should select this skill for them (add should_not_trigger ones as you go). */
const triggers = {
  should_trigger: ['greet Ada by name', 'say hello to someone'],
  should_not_trigger: [],
  top_k: 3,
  threshold: 1,
};

const defaultTest = {
  name: 'greets the world without a name',
  input: {},
  expect: { status: 'succeeded', output_contains: { greeting: 'Hello, world!' } },
};

/** `open-skills init <name>`: scaffolds a skill folder that validates, tests and publishes as is. */
export async function init(args: string[], io: Io): Promise<number> {
  const { values, positionals: rest } = parse('init', args, COMMON_OPTIONS);
  const [target] = positionals('init', rest, ['name']) as [string];
  const dir = resolve(target);
  const name = normalizeName(basename(dir));
  const problem = skillNameProblem(name);
  if (problem) {
    throw usageError(
      `init: "${name}" is not a valid skill name: it ${problem} (use 1-64 lowercase letters, digits and single hyphens, e.g. hello-world)`,
    );
  }
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new CliError(`${target} already exists and is not empty`, EXIT.failure);
  }
  const files: Record<string, string> = {
    'SKILL.md': skillMd(name),
    'scripts/main.ts': mainTs,
    'tests/basic.json': `${JSON.stringify(basicTest, null, 2)}\n`,
    'tests/default-name.json': `${JSON.stringify(defaultTest, null, 2)}\n`,
    'tests/triggers.json': `${JSON.stringify(triggers, null, 2)}\n`,
  };
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  if (values.json) {
    io.out(`${JSON.stringify({ dir, name, files: Object.keys(files) })}\n`);
    return EXIT.ok;
  }
  io.out(
    `Created ${target}/ with ${Object.keys(files).join(', ')}\n\nNext:\n` +
      `  open-skills test ${target}       # run tests/*.json locally in the sandbox\n` +
      `  open-skills publish ${target}    # upload, test on the server, publish\n` +
      `  open-skills run ${name} --input '{"name":"Ada"}'\n`,
  );
  return EXIT.ok;
}
