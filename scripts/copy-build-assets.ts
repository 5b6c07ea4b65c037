/**
 * `npm run build`, second step: the files the compiled server reads at run time beside its modules (migrations,
 * the sandbox's guest scripts, the console's assets, the example skills), copied into `dist/` where the compiled modules look for them.
 */
import { cpSync } from 'node:fs';

const ASSETS = ['src/db/migrations', 'src/runtime/worker/guest', 'views/assets', 'bundles'];

for (const dir of ASSETS) {
  cpSync(dir, `dist/${dir}`, {
    recursive: true,
    // Compiled modules replace the TypeScript ones; skills' own scripts are data and keep theirs.
    filter: (source) => dir === 'bundles' || !source.endsWith('.ts'),
  });
}
process.stdout.write(`copied ${ASSETS.join(', ')} into dist/\n`);
