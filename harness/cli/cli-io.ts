/** Where the CLI writes: the process's streams, or a buffer in tests. */
export type CliStream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

export interface CliIo {
  stdout: CliStream;
  stderr: CliStream;
}

export const processIo: CliIo = { stdout: process.stdout, stderr: process.stderr };
