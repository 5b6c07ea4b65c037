#!/usr/bin/env node
// The `open-skills` command. The CLI is TypeScript run through tsx; isolates are only created in worker
// processes, which are started with --no-node-snapshot themselves.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
