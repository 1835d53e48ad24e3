import { spawn, type ChildProcess } from 'node:child_process';

/**
 * A busy host, for real: `count` processes that spin (like `node -e 'for(;;){}'`),
 * optionally pinned to one core (taskset), killed on dispose — and each stops
 * by itself after `maxMs` (default 2 min), so a test that dies cannot leave
 * them spinning.
 */
export function startBusyLoops(
  count: number,
  options: { cpu?: number; maxMs?: number } = {},
): AsyncDisposable & { pids: number[] } {
  const loops: ChildProcess[] = [];
  for (let i = 0; i < count; i++) {
    const spin = [
      process.execPath,
      '-e',
      `for (const end = Date.now() + ${options.maxMs ?? 120_000}; Date.now() < end; );`,
    ];
    const [command, ...args] = options.cpu === undefined ? spin : ['taskset', '-c', String(options.cpu), ...spin];
    loops.push(spawn(command!, args, { stdio: 'ignore' }));
  }
  return {
    pids: loops.map((loop) => loop.pid!),
    async [Symbol.asyncDispose]() {
      await Promise.all(
        loops.map(
          (loop) =>
            new Promise<void>((resolve) => {
              if (loop.exitCode !== null || loop.signalCode !== null) return resolve();
              loop.once('exit', () => resolve());
              loop.kill('SIGKILL');
            }),
        ),
      );
    },
  };
}
