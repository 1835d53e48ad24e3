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

/**
 * Cycles between concept folders (harness/<folder>), type-only imports included: the import graph collapsed to
 * one node per folder, as `depcruise --collapse "^harness/[^/]+"` draws it, must have no cycle.
 */
async function folderCycles(baseDir: string, roots: string[]): Promise<string[]> {
  // dependency-cruiser draws the collapsed graph (its rules do not judge it): the cycles are found here.
  const result = await cruise(roots, { ...config.options, baseDir, collapse: '^harness/[^/]+' } as never);
  const output = result.output as ICruiseResult;
  const graph = new Map(
    output.modules
      .filter((m) => /^harness\/[^/]+$/.test(m.source) && !m.source.endsWith('.ts'))
      .map((m) => [
        m.source,
        m.dependencies.map((d) => d.resolved).filter((to) => to !== m.source && /^harness\/[^/.]+$/.test(to)),
      ]),
  );
  // Tarjan's strongly connected components: each with more than one folder is a cycle, named by its folders.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const cycles: string[] = [];
  const connect = (folder: string): void => {
    index.set(folder, index.size);
    low.set(folder, index.get(folder)!);
    stack.push(folder);
    for (const next of graph.get(folder) ?? []) {
      if (!index.has(next)) {
        connect(next);
        low.set(folder, Math.min(low.get(folder)!, low.get(next)!));
      } else if (stack.includes(next)) low.set(folder, Math.min(low.get(folder)!, index.get(next)!));
    }
    if (low.get(folder) !== index.get(folder)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      component.push(member);
    } while (member !== folder);
    if (component.length > 1) cycles.push(`no-folder-cycles: ${component.sort().join(' ⇄ ')}`);
  };
  for (const folder of graph.keys()) if (!index.has(folder)) connect(folder);
  return cycles;
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
    'no concept folder imports, through others, a folder that imports it (type-only imports included)',
    { timeout: 60_000 },
    async () => {
      expect(await folderCycles(process.cwd(), ['harness'])).toEqual([]);
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
      // A circle of type-only imports, and two folders that import each other through different files.
      await file('harness/report/t1.ts', "import type { T2 } from './t2.ts';\nexport type T1 = { next?: T2 };\n");
      await file('harness/report/t2.ts', "import type { T1 } from './t1.ts';\nexport type T2 = { next?: T1 };\n");
      await file(
        'harness/load/sender.ts',
        "import { plan } from '../flows/plan.ts';\nexport const send = (): number => plan();\n",
      );
      await file('harness/flows/plan.ts', 'export const plan = (): number => 1;\n');
      // The judge's input types from an I/O module: a seam, type-only or not.
      await file('harness/net/client.ts', 'export interface Client { get(): number }\n');
      await file(
        'harness/verdict/input.ts',
        "import type { Client } from '../net/client.ts';\nexport type Input = { client: Client };\n",
      );
      await file(
        'harness/flows/iterate.ts',
        "import { send } from '../load/sender.ts';\nexport const iterate = (): number => send();\n",
      );
      const previous = process.cwd();
      process.chdir(dir);
      let violations: string[];
      let cycles: string[];
      try {
        violations = await violationsIn(dir, ['harness', 'fixtures']);
        cycles = await folderCycles(dir, ['harness']);
      } finally {
        process.chdir(previous);
      }
      expect(violations).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^no-cycles: harness\/report\/t[12]\.ts → harness\/report\/t[12]\.ts$/),
          'judge-is-pure: harness/verdict/input.ts → harness/net/client.ts',
        ]),
      );
      expect(cycles).toEqual(['no-folder-cycles: harness/flows ⇄ harness/load']);
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
