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
