import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { COMPILED_CLI } from './compiled-build.ts';

/** `ordeal` as a clone runs it: the TypeScript sources through tsx. */
export const ORDEAL_BIN = fileURLToPath(new URL('../../bin/ordeal.mjs', import.meta.url));

/**
 * The compiled CLI (test/support/compiled-build.ts), except for a TypeScript scenario: one that imports the
 * harness from its sources (the bundled ones, a custom check kind registering itself) must share them with the CLI.
 */
export function cliEntry(args: readonly string[]): string {
  return args.some((arg) => /\.[cm]?ts$/.test(arg)) ? ORDEAL_BIN : COMPILED_CLI;
}

export interface CliRun {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves once stderr+stdout contain `pattern`. */
  waitForOutput: (pattern: RegExp, timeoutMs?: number) => Promise<void>;
  exit: Promise<number | null>;
}

/** Starts `ordeal <args>`; `wrapper` runs it under another command (e.g. ['nice', '-n', '19']). */
export function startCli(args: string[], env: NodeJS.ProcessEnv = {}, wrapper: string[] = []): CliRun {
  const [command, ...prefix] = [...wrapper, process.execPath];
  const child = spawn(command!, [...prefix, cliEntry(args), ...args], {
    // Plain text to assert on, whatever the machine's environment says (a FORCE_COLOR would win over NO_COLOR).
    env: { ...process.env, ...env, NO_COLOR: '1', FORCE_COLOR: '0', CI: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  const check = (): void => {
    for (const waiter of [...waiters]) {
      if (waiter.pattern.test(stdout + stderr)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };
  child.stdout!.on('data', (chunk: Buffer) => ((stdout += chunk.toString()), check()));
  child.stderr!.on('data', (chunk: Buffer) => ((stderr += chunk.toString()), check()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exit,
    waitForOutput: (pattern, timeoutMs = 60_000) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no output matching ${pattern} within ${timeoutMs}ms:\n${stdout}\n${stderr}`)),
          timeoutMs,
        );
        waiters.push({ pattern, resolve: () => (clearTimeout(timer), resolve()) });
        check();
      }),
  };
}

export async function runCli(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  /** A deadline: past it the command is killed and this rejects with what it printed (a hang names itself). */
  timeoutMs?: number,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const run = startCli(args, env);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    if (timeoutMs === undefined) return;
    timer = setTimeout(() => {
      run.child.kill('SIGKILL');
      reject(
        new Error(`ordeal ${args.join(' ')} did not end within ${timeoutMs} ms:\n${run.stdout()}\n${run.stderr()}`),
      );
    }, timeoutMs);
  });
  try {
    const code = await Promise.race([run.exit, deadline]);
    return { code, stdout: run.stdout(), stderr: run.stderr() };
  } finally {
    clearTimeout(timer);
  }
}
