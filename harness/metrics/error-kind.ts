/**
 * Why a request failed. refused: nothing accepted the connection (a dead
 * target or dependency); reset: the connection was reset or closed before the
 * response completed (Toxiproxy's reset_peer, limit_data, a crash mid-answer);
 * connection: any other network failure. A flow step's own: unexpected_status
 * (a status its expect does not list), capture (a value it was to capture was not there).
 */
export const ERROR_KINDS = [
  'http_4xx',
  'http_5xx',
  'timeout',
  'refused',
  'reset',
  'connection',
  'unexpected_status',
  'capture',
] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];
export type ErrorCounts = Record<ErrorKind, number>;

export function emptyErrorCounts(): ErrorCounts {
  return {
    http_4xx: 0,
    http_5xx: 0,
    timeout: 0,
    refused: 0,
    reset: 0,
    connection: 0,
    unexpected_status: 0,
    capture: 0,
  };
}

export function totalErrors(counts: ErrorCounts): number {
  return ERROR_KINDS.reduce((sum, kind) => sum + counts[kind], 0);
}

/** k6 counts a request as failed when its status is 400 or above; so does ordeal. */
export function errorKindOfStatus(status: number): ErrorKind | undefined {
  if (status >= 500) return 'http_5xx';
  if (status >= 400) return 'http_4xx';
  return undefined;
}

const RESET_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'ECONNABORTED',
  'ORDEAL_CONNECTION_CLOSED',
  'UND_ERR_SOCKET',
  'HPE_INVALID_EOF_STATE',
]);

/** The codes of an error and of its causes, outermost first. */
function codesOf(error: unknown): string[] {
  const codes: string[] = [];
  for (
    let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0;
    e && typeof e === 'object' && depth < 5;
    e = e.cause as typeof e, depth++
  ) {
    if (typeof e.code === 'string') codes.push(e.code);
  }
  return codes;
}

/** A network failure's kind, from its errno (or its cause's): refused, reset, or another connection failure. */
export function connectionErrorKind(error: unknown): 'refused' | 'reset' | 'connection' {
  const codes = codesOf(error);
  if (codes.includes('ECONNREFUSED')) return 'refused';
  if (codes.some((code) => RESET_CODES.has(code))) return 'reset';
  return 'connection';
}

export function errorKindOfFailure(error: Error & { code?: string }): ErrorKind {
  return /timed? ?out/i.test(error.message) || error.code === 'ETIMEDOUT' ? 'timeout' : connectionErrorKind(error);
}
