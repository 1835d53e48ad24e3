/**
 * One registry of error codes. Each code carries the process exit code the CLI
 * uses for it, so the library can throw and only the CLI decides how to exit.
 */
export const ERROR_EXIT_CODES = {
  ORDEAL_ERR_SCENARIO: 2,
  ORDEAL_ERR_USAGE: 2,
  ORDEAL_ERR_TARGET_NOT_ALLOWED: 2,
  ORDEAL_ERR_TARGET_UNREACHABLE: 3,
  ORDEAL_ERR_TOXIPROXY: 3,
  ORDEAL_ERR_TOXIPROXY_BUILD: 3,
  ORDEAL_ERR_STACK: 3,
  ORDEAL_ERR_PROMETHEUS: 3,
  ORDEAL_ERR_LOAD: 3,
  ORDEAL_ERR_REPORT: 3,
  ORDEAL_ERR_WATCHDOG: 3,
  ORDEAL_ERR_PROCESS_FAULT: 3,
  ORDEAL_ERR_CONTAINER_FAULT: 3,
} as const;

export type OrdealErrorCode = keyof typeof ERROR_EXIT_CODES;

export class OrdealError extends Error {
  readonly code: OrdealErrorCode;

  constructor(code: OrdealErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OrdealError';
    this.code = code;
  }

  get exitCode(): number {
    return ERROR_EXIT_CODES[this.code];
  }
}

export function isOrdealError(error: unknown): error is OrdealError {
  return error instanceof OrdealError;
}
