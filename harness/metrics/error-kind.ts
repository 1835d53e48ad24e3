export const ERROR_KINDS = ['http_4xx', 'http_5xx', 'timeout', 'connection'] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];
export type ErrorCounts = Record<ErrorKind, number>;

export function emptyErrorCounts(): ErrorCounts {
  return { http_4xx: 0, http_5xx: 0, timeout: 0, connection: 0 };
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

export function errorKindOfFailure(error: Error & { code?: string }): ErrorKind {
  return /timed? ?out/i.test(error.message) || error.code === 'ETIMEDOUT' ? 'timeout' : 'connection';
}
