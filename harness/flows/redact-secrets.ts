/** What a secret is replaced with wherever ordeal writes or prints. */
export const REDACTED = '[secret]';

/** `text` with every secret (longest first, so a secret inside another goes with it) replaced. */
export function redactText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length > 0 && out.includes(secret)) out = out.split(secret).join(REDACTED);
  return out;
}

/** A JSON-shaped value with every secret in its strings replaced (reports, before they are written). */
export function redactDeep<T>(value: T, secrets: readonly string[]): T {
  if (secrets.length === 0) return value;
  const text = JSON.stringify(value);
  const escaped = secrets.map((s) => JSON.stringify(s).slice(1, -1));
  return escaped.some((s) => text.includes(s)) ? (JSON.parse(redactText(text, escaped)) as T) : value;
}
