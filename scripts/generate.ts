// Writes openapi.json (from the app's routes) and the SDK types in sdk/ (from openapi.json).
import { writeFileSync } from 'node:fs';
import { generateArtefacts } from '../src/api/generate.ts';

const { openapiJson, sdkSchema } = await generateArtefacts();
writeFileSync(new URL('../openapi.json', import.meta.url), openapiJson);
writeFileSync(new URL('../sdk/src/schema.ts', import.meta.url), sdkSchema);
process.stdout.write('wrote openapi.json and sdk/src/schema.ts\n');
