import net from 'node:net';
import { OrdealError } from '../errors/ordeal-error.ts';

/** Opens a TCP connection and closes it at once (no byte of a request is sent): resolves undefined if it connects, else why not. */
export function tcpRefusal(host: string, port: number, timeoutMs = 2_000): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (why: string | undefined): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(why);
    };
    const timer = setTimeout(() => done(`no answer within ${timeoutMs} ms`), timeoutMs);
    socket.once('connect', () => done(undefined));
    socket.once('error', (error: NodeJS.ErrnoException) =>
      done(error.code === 'ECONNREFUSED' ? 'connection refused' : error.message),
    );
  });
}

/**
 * Before any load: something listens at `host:port` (`field` says which
 * setting it came from). Nothing is sent but a TCP handshake; a wrong port or
 * a stopped service is exit 3 naming the address, instead of a run that
 * sends load into the void.
 */
export async function assertListening(field: string, host: string, port: number): Promise<void> {
  const why = await tcpRefusal(host, port);
  if (why) {
    const shown = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
    throw new OrdealError(
      'ORDEAL_ERR_TARGET_UNREACHABLE',
      `${field}: nothing answers at ${shown} (${why}); start the service or fix the address; nothing was sent`,
    );
  }
}
