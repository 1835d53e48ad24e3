import { parseFaultName } from './fault-names.ts';

interface ProxyState {
  name: string;
  enabled: boolean;
  toxics: { name: string }[];
}

export interface RemovedFaults {
  runId: string;
  /** "market-data: latency toxic ordeal-…-1", "ledger-primary: re-enabled". */
  changes: string[];
}

/**
 * Talks to Toxiproxy's HTTP API with plain fetch (no client library), so the
 * watchdog process that runs it starts fast and has nothing to load.
 */
async function toxiproxyRequest(baseUrl: string, method: string, pathName: string, body?: unknown, timeoutMs = 1_500): Promise<unknown> {
  const response = await fetch(new URL(pathName, baseUrl), {
    method,
    headers: body === undefined ? undefined : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  if (!response.ok && response.status !== 404) throw new Error(`${method} ${pathName} answered ${response.status}: ${text.trim()}`);
  return text.length > 0 && response.status !== 404 ? JSON.parse(text) : undefined;
}

export async function listProxies(toxiproxyUrl: string): Promise<ProxyState[]> {
  return Object.values((await toxiproxyRequest(toxiproxyUrl, 'GET', '/proxies')) as Record<string, ProxyState>);
}

/**
 * Removes every fault whose run matches `isTarget`: proxies taken down by it
 * are re-enabled first, then its toxics (markers included) are deleted.
 * Returns what it changed, grouped by run. Toxics ordeal did not name are never touched.
 */
export async function removeRunFaults(toxiproxyUrl: string, isTarget: (runId: string) => boolean): Promise<RemovedFaults[]> {
  const byRun = new Map<string, string[]>();
  const note = (runId: string, change: string): void => {
    byRun.set(runId, [...(byRun.get(runId) ?? []), change]);
  };
  const proxies = await listProxies(toxiproxyUrl);
  await Promise.all(
    proxies.map(async (proxy) => {
      const owned = proxy.toxics.map((toxic) => ({ toxic, parsed: parseFaultName(toxic.name) })).filter(({ parsed }) => parsed && isTarget(parsed.runId));
      const markers = owned.filter(({ parsed }) => parsed!.downMarker);
      const proxyPath = `/proxies/${encodeURIComponent(proxy.name)}`;
      if (markers.length > 0 && !proxy.enabled) {
        await toxiproxyRequest(toxiproxyUrl, 'POST', proxyPath, { enabled: true });
        note(markers[0]!.parsed!.runId, `${proxy.name}: re-enabled (was down)`);
      }
      for (const { toxic, parsed } of owned) {
        await toxiproxyRequest(toxiproxyUrl, 'DELETE', `${proxyPath}/toxics/${encodeURIComponent(toxic.name)}`);
        if (!parsed!.downMarker) note(parsed!.runId, `${proxy.name}: removed toxic ${toxic.name}`);
      }
    }),
  );
  return [...byRun].map(([runId, changes]) => ({ runId, changes }));
}
