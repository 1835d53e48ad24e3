import type http from 'node:http';

/** The header a page the console served sends with each button press: the run's token, which no other page can read. */
export const CONSOLE_TOKEN_HEADER = 'x-ordeal-console';

const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost'];

/**
 * Why the live console refuses a request, if it does. A page of another site
 * open in the operator's browser can send requests to 127.0.0.1 too: a Host
 * that is not the console's own (DNS rebinding) is refused for everything; a
 * button press (POST) needs the token its page carries and, when the browser
 * says where it comes from, the console's own origin. Reading the page or its
 * events needs the key in the link ordeal printed.
 */
export function consoleRequestRefusal(
  req: http.IncomingMessage,
  port: number,
  token: string,
): { status: number; reason: string } | undefined {
  const allowedHosts = LOOPBACK_HOSTS.map((host) => `${host}:${port}`);
  if (!allowedHosts.includes(req.headers.host ?? ''))
    return { status: 421, reason: `the live console answers only as ${allowedHosts.join(' or ')}` };
  if (req.method !== 'POST') {
    // The page and its event stream need the key in the link ordeal printed (to its operator only): another local
    // user or process, which can reach 127.0.0.1 too, cannot read the page's token or follow the run.
    const key = new URL(req.url ?? '/', 'http://console').searchParams.get('key');
    return key === token
      ? undefined
      : { status: 403, reason: 'the live console needs the key in the link ordeal printed (…/?key=…)' };
  }
  const origin = req.headers.origin;
  if (origin !== undefined && !allowedHosts.some((host) => origin === `http://${host}`))
    return { status: 403, reason: `a button press from ${origin} is not the live console's` };
  if (req.headers[CONSOLE_TOKEN_HEADER] !== token)
    return { status: 403, reason: 'a button press needs the token of the page the live console served' };
  return undefined;
}
