import { Writable } from 'node:stream';
import type { CliIo } from '../../harness/cli/cli-io.ts';

/** CLI streams that collect what is written, for calling the CLI in-process. */
export function bufferIo(): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  const sink = (append: (text: string) => void): Writable =>
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        append(chunk.toString());
        callback();
      },
    });
  return { stdout: sink((t) => (out += t)), stderr: sink((t) => (err += t)), out: () => out, err: () => err };
}
