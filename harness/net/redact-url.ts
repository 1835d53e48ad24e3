/** A URL as ordeal prints or writes it: any password replaced by "***" (the user name stays, to say which account). */
export function redactUrl(text: string): string {
  try {
    const url = new URL(text);
    if (!url.password) return text;
    url.password = '***';
    return url.href.replace(/\/$/, text.endsWith('/') ? '/' : '');
  } catch {
    return text.replace(/(\/\/[^:/@\s]+:)[^@/\s]+@/g, '$1***@');
  }
}

/** Every credential-bearing URL inside `text` redacted: for error messages that quote URLs. */
export function redactUrlsIn(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/[^:/@\s]+:)[^@/\s]+@/gi, '$1***@');
}

/**
 * A notification channel's URL as ordeal shows it: webhook URLs carry their
 * secret in the path (Slack's /services/T…/B…/x…) or the query (?token=…), so
 * only the origin and the first path segment stay, and each query value is
 * replaced: `https://hooks.example.com/services/…?token=***`. A password too.
 */
export function redactWebhookUrl(text: string): string {
  try {
    const url = new URL(redactUrl(text));
    const [first, ...rest] = url.pathname.split('/').filter(Boolean);
    const path = first ? `/${first}${rest.length > 0 ? '/…' : ''}` : '';
    const query = [...url.searchParams.keys()].map((key) => `${encodeURIComponent(key)}=***`).join('&');
    return `${url.protocol}//${url.username ? `${url.username}${url.password ? ':***' : ''}@` : ''}${url.host}${path}${query ? `?${query}` : ''}`;
  } catch {
    return redactUrlsIn(text);
  }
}
