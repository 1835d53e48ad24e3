import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { cruise, type ICruiseResult } from 'dependency-cruiser';
import { describe, expect, it } from 'vitest';

const config = createRequire(import.meta.url)('../../.dependency-cruiser.cjs') as {
  forbidden: unknown[];
  options: Record<string, unknown>;
};

async function violationsIn(baseDir: string, roots: string[]): Promise<string[]> {
  const result = await cruise(roots, {
    ...config.options,
    baseDir,
    ruleSet: { forbidden: config.forbidden } as never,
    validate: true,
  } as never);
  const output = result.output as ICruiseResult;
  return output.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
}

describe('the walls of the house (.dependency-cruiser.cjs)', () => {
  it(
    'hold: the judge imports no I/O, nothing outside the CLI imports it, reporters do not run load, fixtures stand alone, no cycles',
    { timeout: 60_000 },
    async () => {
      expect(await violationsIn(process.cwd(), ['harness', 'fixtures'])).toEqual([]);
    },
  );

  it(
    'are checked: a deliberately broken import in a scratch tree is reported, rule by rule',
    { timeout: 60_000 },
    async () => {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'ordeal-walls-'));
      const file = async (name: string, text: string): Promise<void> => {
        await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
        await writeFile(path.join(dir, name), text);
      };
      await file(
        'tsconfig.json',
        JSON.stringify({
          compilerOptions: {
            module: 'NodeNext',
            moduleResolution: 'NodeNext',
            allowImportingTsExtensions: true,
            noEmit: true,
          },
        }),
      );
      await file('harness/net/guarded-http.ts', 'export const get = (): number => 1;\n');
      await file('harness/cli/program.ts', 'export const main = (): number => 1;\n');
      await file(
        'harness/verdict/judge.ts',
        "import { get } from '../net/guarded-http.ts';\nexport const judge = (): number => get();\n",
      );
      await file(
        'harness/report/reporter.ts',
        "import { main } from '../cli/program.ts';\nexport const render = (): number => main();\n",
      );
      await file(
        'fixtures/services/service.ts',
        "import { judge } from '../../harness/verdict/judge.ts';\nexport const serve = (): number => judge();\n",
      );
      await file('harness/scenario/a.ts', "import { b } from './b.ts';\nexport const a = (): number => b() + 1;\n");
      await file('harness/scenario/b.ts', "import { a } from './a.ts';\nexport const b = (): number => a() - 1;\n");
      const previous = process.cwd();
      process.chdir(dir);
      let violations: string[];
      try {
        violations = await violationsIn(dir, ['harness', 'fixtures']);
      } finally {
        process.chdir(previous);
      }
      expect(violations).toEqual(
        expect.arrayContaining([
          'judge-is-pure: harness/verdict/judge.ts → harness/net/guarded-http.ts',
          'cli-is-the-top: harness/report/reporter.ts → harness/cli/program.ts',
          'fixtures-stand-alone: fixtures/services/service.ts → harness/verdict/judge.ts',
          expect.stringMatching(/^no-cycles: harness\/scenario\/[ab]\.ts → harness\/scenario\/[ab]\.ts$/),
        ]),
      );
    },
  );
});
