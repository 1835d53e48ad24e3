import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const bin = (name: string): string => path.join(process.cwd(), 'node_modules', '.bin', name);

/** Runs a tool; its exit code and what it printed (a failing check is a result here, not an error). */
async function tool(name: string, args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(bin(name), args, { cwd: process.cwd(), maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof failed.code === 'number' ? failed.code : 1,
      output: `${failed.stdout ?? ''}${failed.stderr ?? ''}`,
    };
  }
}

/**
 * Style by tool, in every `npm test`: prettier (120 columns, .prettierrc.json) formats, and eslint
 * (eslint.config.mjs: typescript-eslint's recommended rules, functions at most 80 lines) lints. Fix with
 * `npm run format` and what `npm run lint` names. Each is shown to bite on a file that breaks it.
 */
describe('style by tool', () => {
  it('the code is formatted by prettier', { timeout: 120_000 }, async () => {
    const { code, output } = await tool('prettier', ['--check', '.']);
    expect(code, `run npm run format:\n${output}`).toBe(0);
  });

  it('the code lints clean (eslint)', { timeout: 180_000 }, async () => {
    const { code, output } = await tool('eslint', ['.']);
    expect(code, output).toBe(0);
  });

  it('both bite: a function of 81 lines and a badly formatted file are reported', { timeout: 60_000 }, async () => {
    const dir = await mkdtemp(path.join(process.cwd(), 'test-artifacts', 'style-'));
    const long = path.join(dir, 'long-function.ts');
    await writeFile(
      long,
      `export function long(): number {\n  let n = 0;\n${'  n += 1;\n'.repeat(79)}  return n;\n}\n`,
    );
    const ugly = path.join(dir, 'ugly.ts');
    await writeFile(ugly, 'export const x = {a:1,\n b:2}\n');
    const linted = await tool('eslint', ['--no-ignore', long]);
    expect(linted.output).toMatch(/max-lines-per-function/);
    const formatted = await tool('prettier', ['--check', '--ignore-path', '/dev/null', ugly]);
    expect(formatted.code).not.toBe(0);
    expect(formatted.output).toContain('ugly.ts');
  });
});
