import { randomBytes } from 'node:crypto';

/** "20261127T133347Z-game-day-3fa2": sortable by time, readable, unique. */
export function createRunId(scenarioName: string, nowMs = Date.now()): string {
  const stamp = new Date(nowMs)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${scenarioName}-${randomBytes(2).toString('hex')}`;
}
