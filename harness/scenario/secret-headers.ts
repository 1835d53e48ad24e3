/** Headers whose values are secrets wherever they appear: never printed, never written, read from the environment in exports. */
const SECRET_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);

export function isSecretHeader(name: string): boolean {
  return SECRET_HEADERS.has(name.toLowerCase());
}
