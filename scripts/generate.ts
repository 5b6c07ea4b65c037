// Writes openapi.json (from the app's routes), the SDK types in sdk/ and the Python SDK's models (from openapi.json).
import { writeFileSync } from 'node:fs';
import { generateArtefacts } from '../src/api/generate.ts';
import { pythonModels } from './python-models.ts';

const { openapiJson, sdkSchema } = await generateArtefacts();
writeFileSync(new URL('../openapi.json', import.meta.url), openapiJson);
writeFileSync(new URL('../sdk/src/schema.ts', import.meta.url), sdkSchema);
writeFileSync(
  new URL('../sdk/python/src/open_skills/models.py', import.meta.url),
  pythonModels(JSON.parse(openapiJson)),
);
process.stdout.write('wrote openapi.json, sdk/src/schema.ts and sdk/python/src/open_skills/models.py\n');
