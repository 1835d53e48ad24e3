import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

/** Why a file could not be read as ordeal reads files: not a regular file, too large, or gone. */
export class UnreadableFileError extends Error {
  constructor(
    message: string,
    readonly reason: 'not-regular' | 'too-large' | 'unreadable',
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

const mib = (bytes: number): string => `${Math.round((bytes / 1_048_576) * 10) / 10} MiB`;

/**
 * Reads a file ordeal was pointed at (a scenario, a data file, a report, a
 * sibling run's report.json) the one safe way: opened without blocking (a
 * FIFO with no writer cannot hang it), only a regular file (a FIFO, a device
 * such as /dev/zero, a socket or a folder is refused before any byte is
 * read), at most `maxBytes` (checked on the open file's size, then enforced
 * while reading, in case it grows). Symlinks to a regular file are followed:
 * reading through one changes nothing.
 */
export async function readRegularFile(file: string, maxBytes: number): Promise<string> {
  let handle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new UnreadableFileError(
      code === 'ENOENT' ? 'no such file' : `cannot be opened (${code ?? (cause as Error).message})`,
      'unreadable',
      { cause },
    );
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) {
      const kind = info.isFIFO()
        ? 'a FIFO'
        : info.isCharacterDevice() || info.isBlockDevice()
          ? 'a device'
          : info.isDirectory()
            ? 'a folder'
            : info.isSocket()
              ? 'a socket'
              : 'not a regular file';
      throw new UnreadableFileError(`is ${kind}, not a regular file`, 'not-regular');
    }
    if (info.size > maxBytes)
      throw new UnreadableFileError(`is ${mib(info.size)}, over the ${mib(maxBytes)} ordeal reads`, 'too-large');
    const chunks: Buffer[] = [];
    let length = 0;
    while (length <= maxBytes) {
      const chunk = Buffer.alloc(Math.min(1024 * 1024, maxBytes + 1 - length));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      length += bytesRead;
    }
    if (length > maxBytes) throw new UnreadableFileError(`grew over the ${mib(maxBytes)} ordeal reads`, 'too-large');
    return Buffer.concat(chunks, length).toString('utf8');
  } finally {
    await handle.close();
  }
}
