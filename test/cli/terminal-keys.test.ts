import { spawn, spawnSync } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { faultToxicsOn, scenarioBehindToxiproxy, startTargetBehindToxiproxy } from '../support/behind-toxiproxy.ts';
import { cliEntry } from '../support/run-cli.ts';

// util-linux's script(1) gives ordeal a real terminal (a pty) and passes what the test types to it.
const scriptMissing = spawnSync('script', ['--version']).status !== 0;

const quoted = (args: string[]): string => args.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');

/** A shell command in a pseudo-terminal: what it printed so far, a way to type, and its exit code. */
function inTerminal(command: string) {
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', CI: '', TERM: 'xterm' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    for (const waiter of [...waiters]) {
      if (!waiter.pattern.test(output)) continue;
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  });
  return {
    output: () => output,
    type: (keys: string) => child.stdin.write(keys),
    waitFor: (pattern: RegExp, timeoutMs = 30_000) =>
      new Promise<void>((resolve, reject) => {
        if (pattern.test(output)) return resolve();
        const timer = setTimeout(
          () => reject(new Error(`no ${pattern} within ${timeoutMs} ms:\n${output}`)),
          timeoutMs,
        );
        waiters.push({ pattern, resolve: () => (clearTimeout(timer), resolve()) });
      }),
    exit: new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code))),
  };
}

/** ordeal run in the foreground of a pseudo-terminal. */
const runInTerminal = (args: string[]) => inTerminal(quoted([process.execPath, cliEntry(args), ...args]));

describe.skipIf(scriptMissing)('the terminal keys of ordeal run (in a real pseudo-terminal)', () => {
  it(
    'n adds a note, s s skips a phase, c confirms its faults (--confirm-faults without --ui), Ctrl-C still aborts and removes them',
    { timeout: 90_000 },
    async () => {
      await using target = await startTargetBehindToxiproxy(200);
      const { file, reportDir } = await scenarioBehindToxiproxy(target, 'terminal-keys', [
        { name: 'calm', duration: '60s', rate: 5 },
        { name: 'faulted', duration: '60s', rate: 5, faults: [{ proxy: 'api', kind: 'latency', latencyMs: 30 }] },
      ]);
      const faultToxics = (): Promise<string[]> => faultToxicsOn(target);
      const run = runInTerminal(['run', file, '--confirm-faults', '30s', '--report-dir', reportDir]);
      await run.waitFor(/keys: s skip/);
      await run.waitFor(/▶ phase calm/);
      run.type('n');
      await run.waitFor(/✎ note \(Enter adds it, Esc drops it\)/);
      run.type('dashboard shows p95 rising\r');
      await run.waitFor(/✎ note \(calm\), from the terminal: dashboard shows p95 rising/);
      // One s only asks; the second skips.
      run.type('s');
      await run.waitFor(/press s again within 3 s to skip the rest of phase calm/);
      run.type('s');
      await run.waitFor(/phase faulted will apply api: latency 30ms.*press c to confirm/);
      expect(await faultToxics()).toEqual([]);
      run.type('c');
      await run.waitFor(/fault on: api latency/);
      expect(await faultToxics()).toHaveLength(1);
      // Raw mode takes Ctrl-C from the terminal driver: ordeal still treats it as SIGINT.
      run.type('\u0003');
      expect(await run.exit).toBe(130);
      expect(await faultToxics()).toEqual([]);
      const runDir = (await readdir(reportDir, { withFileTypes: true })).find((e) => e.isDirectory())!;
      const report = JSON.parse(await readFile(path.join(reportDir, runDir.name, 'report.json'), 'utf8')) as {
        verdict: string;
        verdictReason: string;
        annotations: { phase: string; text: string; source: string }[];
        phases: { name: string; endedEarly?: string }[];
      };
      expect(report.verdict, report.verdictReason).toBe('aborted');
      expect(report.verdictReason).toContain('SIGINT');
      expect(report.annotations).toEqual([
        expect.objectContaining({ phase: 'calm', text: 'dashboard shows p95 rising', source: 'terminal' }),
      ]);
      expect(report.phases.find((p) => p.name === 'calm')!.endedEarly).toBe('skipped from the terminal');
    },
  );

  it(
    'a run started in the background of an interactive shell is never stopped by the terminal: no keys, it finishes',
    { timeout: 60_000 },
    async () => {
      await using target = await startTargetBehindToxiproxy(200);
      const { file, reportDir } = await scenarioBehindToxiproxy(target, 'background', [
        { name: 'only', duration: '1s', rate: 5 },
      ]);
      // bash -i has job control: "&" puts ordeal in its own process group, not the terminal's foreground one.
      const ordeal = quoted([process.execPath, cliEntry([file]), 'run', file, '--report-dir', reportDir]);
      const shell = inTerminal(quoted(['bash', '--norc', '-ic', `${ordeal} & wait $!; echo ordeal-exit=$?`]));
      await shell.waitFor(/ordeal-exit=\d+/, 45_000);
      expect(shell.output()).toContain('ordeal-exit=0');
      expect(shell.output()).not.toMatch(/Stopped|keys: s skip/);
      expect(await shell.exit).toBe(0);
    },
  );

  it(
    'a line printed while a note is typed goes above it, and the note being typed is drawn again below',
    { timeout: 60_000 },
    async () => {
      await using target = await startTargetBehindToxiproxy(200);
      const { file, reportDir } = await scenarioBehindToxiproxy(target, 'typing', [
        { name: 'first', duration: '2s', rate: 5 },
        { name: 'second', duration: '2s', rate: 5 },
      ]);
      const run = runInTerminal(['run', file, '--report-dir', reportDir]);
      await run.waitFor(/▶ phase first/);
      run.type('n');
      run.type('half a tho');
      await run.waitFor(/▶ phase second/);
      // After the phase line: the prompt again, with what was typed so far.
      await run.waitFor(/▶ phase second[^\n]*\n[\s\S]*✎ note \(Enter adds it, Esc drops it\): half a tho/);
      run.type('ught\r');
      await run.waitFor(/✎ note \(second\), from the terminal: half a thought/);
      expect(await run.exit).toBe(0);
    },
  );
});
