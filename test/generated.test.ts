import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateArtefacts } from '../src/api/generate.ts';

describe('generated artefacts', () => {
  it('openapi.json and sdk/src/schema.ts match the app (run `npm run generate` when this fails)', async () => {
    const { openapiJson, sdkSchema } = await generateArtefacts();
    expect(readFileSync(new URL('../openapi.json', import.meta.url), 'utf8')).toBe(openapiJson);
    expect(readFileSync(new URL('../sdk/src/schema.ts', import.meta.url), 'utf8')).toBe(sdkSchema);
  });
});
