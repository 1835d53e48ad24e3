import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface CountingServerProcess {
  url: string;
  /** Requests the server has received so far. */
  received(): Promise<number>;
  stop(): Promise<void>;
}

/** Starts test/support/counting-server-process.mjs: a fast HTTP server in a process of its own. */
export async function startCountingServerProcess(): Promise<CountingServerProcess> {
  const child = fork(fileURLToPath(new URL('./counting-server-process.mjs', import.meta.url)), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: [] });
  const { port } = await new Promise<{ port: number }>((resolve, reject) => {
    child.once('message', (message) => resolve(message as { port: number }));
    child.once('exit', (code) => reject(new Error(`counting server exited with ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    received: () =>
      new Promise((resolve) => {
        child.once('message', (message) => resolve((message as { received: number }).received));
        child.send('count');
      }),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
