import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

// Runs before each test file: leases written by in-process runs and by CLI children (which inherit the env) stay here.
const stateDir = mkdtempSync(path.join(os.tmpdir(), 'ordeal-state-'));
process.env.ORDEAL_STATE_DIR = stateDir;
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));
