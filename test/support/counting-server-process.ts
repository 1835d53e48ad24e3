import { fork, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface CountingServerProcess extends AsyncDisposable {
  url: string;
  /** The server's process (the taskset wrapper execs node: the same pid). */
  pid: number;
  /** Requests the server has received so far. */
  received(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Starts test/support/counting-server-process.mjs: a fast HTTP server in a
 * process of its own; `delayMs` holds every answer that long (a known
 * service time); `cpu` pins it to one core (taskset).
 */
export async function startCountingServerProcess(
  options: { delayMs?: number; cpu?: number } = {},
): Promise<CountingServerProcess> {
  const script = fileURLToPath(new URL('./counting-server-process.mjs', import.meta.url));
  const args = [script, String(options.delayMs ?? 0)];
  const stdio: ['ignore', 'inherit', 'inherit', 'ipc'] = ['ignore', 'inherit', 'inherit', 'ipc'];
  const child =
    options.cpu === undefined
      ? fork(script, args.slice(1), { stdio, execArgv: [] })
      : spawn('taskset', ['-c', String(options.cpu), process.execPath, ...args], { stdio });
  const { port } = await new Promise<{ port: number }>((resolve, reject) => {
    child.once('message', (message) => resolve(message as { port: number }));
    child.once('exit', (code) => reject(new Error(`counting server exited with ${code}`)));
  });
  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    received: () =>
      new Promise((resolve) => {
        child.once('message', (message) => resolve((message as { received: number }).received));
        child.send('count');
      }),
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
