import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pythonModels } from '../scripts/python-models.ts';
import { generateArtefacts } from '../src/api/generate.ts';

describe('generated artefacts', () => {
  it('openapi.json, sdk/src/schema.ts and the Python models match the app (run `npm run generate` when this fails)', async () => {
    const { openapiJson, sdkSchema } = await generateArtefacts();
    expect(readFileSync(new URL('../openapi.json', import.meta.url), 'utf8')).toBe(openapiJson);
    expect(readFileSync(new URL('../sdk/src/schema.ts', import.meta.url), 'utf8')).toBe(sdkSchema);
    const models = new URL('../sdk/python/src/open_skills/models.py', import.meta.url);
    expect(readFileSync(models, 'utf8')).toBe(pythonModels(JSON.parse(openapiJson)));
  });
});
