import { spawn } from 'node:child_process';

/** A kill's restart command not yet run: told to the watchdog and written in the lease before the kill. */
export interface PendingRestart {
  id: string;
  command: string[];
  cwd: string;
}

/** Its output kept for the report, at most this much. */
const MAX_OUTPUT_CHARS = 1_000;

/**
 * Runs a restart command of the scenario's (no shell: the command and its arguments) in a process group of its own,
 * and waits up to `timeoutMs` for it to exit. Still running then, it is left running — it may be the service itself,
 * started in the foreground — and said so. Resolves with what happened, in words; never rejects.
 */
export function runRestartCommand(restart: PendingRestart, timeoutMs: number): Promise<string> {
  const shown = restart.command.join(' ');
  return new Promise((resolve) => {
    let output = '';
    const child = spawn(restart.command[0]!, restart.command.slice(1), {
      cwd: restart.cwd,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-MAX_OUTPUT_CHARS));
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    const said = () => (output.trim() ? `: ${output.trim().split('\n').at(-1)}` : '');
    const timer = setTimeout(() => {
      child.stdout!.destroy();
      child.stderr!.destroy();
      child.unref();
      resolve(`restart command ${shown} still running after ${timeoutMs}ms: left running (pid ${child.pid})`);
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve(`restart command ${shown} could not start: ${error.message}`);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(`restart command ${shown} exited ${code ?? signal}${said()}`);
    });
  });
}
