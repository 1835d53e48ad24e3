import { redactText } from '../flows/redact-secrets.ts';
/** Where the CLI writes: the process's streams, or a buffer in tests. */
export type CliStream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

export interface CliIo {
  stdout: CliStream;
  stderr: CliStream;
}

export const processIo: CliIo = { stdout: process.stdout, stderr: process.stderr };

/** The same streams, with every secret in what is written replaced (a run's output never shows one). */
export function redactingIo(io: CliIo, secrets: readonly string[]): CliIo {
  if (secrets.length === 0) return io;
  const wrap = (stream: CliStream): CliStream =>
    new Proxy(stream, {
      get(target, property, receiver) {
        if (property === 'write')
          return (chunk: unknown, ...rest: unknown[]) =>
            (target.write as (...args: unknown[]) => boolean)(
              typeof chunk === 'string' ? redactText(chunk, secrets) : chunk,
              ...rest,
            );
        const value: unknown = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
  return { stdout: wrap(io.stdout), stderr: wrap(io.stderr) };
}
