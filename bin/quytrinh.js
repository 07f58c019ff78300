#!/usr/bin/env node
// The CLI is TypeScript run by tsx: no build step between a clone and a working command.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../server/cli/index.ts');
process.exitCode = await main(process.argv.slice(2));
