import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const TEST_ROOT = path.resolve(import.meta.dirname, '..');

/** Every test file (not the helpers in test/support, which are where these things are written once). */
function testFiles(dir = TEST_ROOT): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'support' ? [] : testFiles(full);
    return entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

const offenders = (pattern: RegExp): string[] =>
  testFiles()
    .filter((file) => pattern.test(readFileSync(file, 'utf8')))
    .map((file) => path.relative(TEST_ROOT, file));

describe('test files use the helpers, not their own copies', () => {
  it('finds the test files', () => {
    expect(testFiles().length).toBeGreaterThan(50);
  });

  it('an HTTP server of a test comes from startTestServer (test/support/test-server.ts)', () => {
    expect(offenders(/http\.createServer\(/)).toEqual([]);
  });

  it('a test not about the generator says so with notAboutTheGenerator(), not an inline send-lag setting', () => {
    expect(offenders(/maxSendLag:\s*'1s'/)).toEqual([]);
  });
});
