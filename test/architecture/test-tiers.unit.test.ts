import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/** Every integration test file under test/ (a *.test.ts that is not a *.unit.test.ts), as test/… paths. */
function integrationFiles(folder = 'test'): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const file = path.posix.join(folder, entry.name);
    if (entry.isDirectory()) return integrationFiles(file);
    return entry.name.endsWith('.test.ts') && !entry.name.endsWith('.unit.test.ts') ? [file] : [];
  });
}

const tiers = JSON.parse(readFileSync('test/test-tiers.json', 'utf8')) as {
  quick: string[];
  slow: string[];
  serial: string[];
  paired: string[];
};

describe('test tiers are explicit (test/test-tiers.json)', () => {
  it('every integration file is in exactly one of quick and slow: a new file is placed on purpose, never by default', () => {
    const listed = [...tiers.quick, ...tiers.slow];
    const unlisted = integrationFiles().filter((file) => !listed.includes(file));
    expect(
      unlisted,
      'add each to test-tiers.json: "quick" if it takes seconds, "slow" if it runs whole scenarios',
    ).toEqual([]);
    expect(
      tiers.quick.filter((file) => tiers.slow.includes(file)),
      'in both quick and slow',
    ).toEqual([]);
  });

  it('every listed file exists (a renamed file leaves no stale entry)', () => {
    const present = new Set(integrationFiles());
    expect(
      [...tiers.quick, ...tiers.slow, ...tiers.serial, ...tiers.paired].filter((file) => !present.has(file)),
    ).toEqual([]);
    expect(
      tiers.paired.filter((file) => tiers.serial.includes(file)),
      'both paired and serial',
    ).toEqual([]);
  });

  it('no unit file stubs a module, a global or the environment: the unit tier shares one module cache', () => {
    const unitFiles = (folder = 'test'): string[] =>
      readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
        const file = path.posix.join(folder, entry.name);
        if (entry.isDirectory()) return unitFiles(file);
        return entry.name.endsWith('.unit.test.ts') ? [file] : [];
      });
    const stubbing = unitFiles().filter((file) =>
      /vi\.(mock|doMock|stubGlobal|stubEnv)\(/.test(readFileSync(file, 'utf8')),
    );
    expect(
      stubbing,
      'a unit file that stubs needs isolation: make it an integration test, or pass what it stubs in',
    ).toEqual([]);
  });
});
