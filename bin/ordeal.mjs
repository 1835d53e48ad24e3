#!/usr/bin/env node
// Registers tsx so the CLI and TypeScript scenarios run from source, then starts the CLI.
import { register } from 'tsx/esm/api';

register();
await import('../harness/cli/main.ts');
