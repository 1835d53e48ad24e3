import type { GuardedHttp } from '../net/guarded-http.ts';
import { parseFaultName } from './fault-names.ts';
import { runsAliveByHeartbeat } from './run-heartbeat.ts';
import { wallClockMs } from '../clock/time-base.ts';

export interface ProxyState {
  name: string;
  enabled: boolean;
  toxics: { name: string; attributes?: Record<string, unknown> }[];
}

export interface RemovedFaults {
  runId: string;
  /** "market-data: latency toxic ordeal-…-1", "ledger-primary: re-enabled". */
  changes: string[];
}

/** Toxiproxy's answers are small JSON documents. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

/**
 * Talks to Toxiproxy's HTTP API directly (no client library), so the watchdog
 * process that runs it starts fast and has nothing to load; through the
 * guarded client like every other request.
 */
async function toxiproxyRequest(
  http: GuardedHttp,
  baseUrl: string,
  method: 'GET' | 'POST' | 'DELETE',
  pathName: string,
  body?: unknown,
  timeoutMs = 1_500,
): Promise<unknown> {
  const url = new URL(pathName.slice(1), baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  const response = await http.request(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    timeoutMs,
    maxBodyBytes: MAX_BODY_BYTES,
  });
  const text = response.text();
  const ok = response.status >= 200 && response.status < 300;
  if (!ok && response.status !== 404)
    throw new Error(`${method} ${pathName} answered ${response.status}: ${text.trim()}`);
  return text.length > 0 && response.status !== 404 ? JSON.parse(text) : undefined;
}

export async function listProxies(http: GuardedHttp, toxiproxyUrl: string): Promise<ProxyState[]> {
  return Object.values((await toxiproxyRequest(http, toxiproxyUrl, 'GET', '/proxies')) as Record<string, ProxyState>);
}

/**
 * Whether a run's faults (or the proxies it created) are to go. `beating`
 * says whether the listing this pass acts on shows a fresh heartbeat of that
 * run: a run that started after the caller decided who is alive (its proxy
 * created, its heartbeat on, a moment ago) is seen there, and a sweep leaves
 * it alone. The watchdog of a dead run, or a run at its own end, may ignore it.
 */
export type RunTarget = (runId: string, beating: boolean) => boolean;

/**
 * Removes every fault whose run matches `isTarget`: its toxics, down markers
 * and heartbeats are deleted, and a proxy it took down is re-enabled — unless
 * a run that is not a target (so, alive) still holds its own down marker
 * there. Returns what it changed, grouped by run. Toxics ordeal did not name
 * are never touched, nor are owner markers (removeOwnedProxies deletes the
 * proxies ordeal created).
 *
 * `downSeen` carries memory between passes: proxies where a target's down
 * marker was seen are added to it, and a proxy in it that is disabled is
 * re-enabled even when its marker is already gone — the case of a dead
 * harness whose "disable" request was still in flight when the previous pass
 * deleted the marker (the marker always goes in before the disable).
 */
export async function removeRunFaults(
  http: GuardedHttp,
  toxiproxyUrl: string,
  isTargetRun: RunTarget,
  downSeen: Map<string, string> = new Map(),
  nowMs: number = wallClockMs(),
): Promise<RemovedFaults[]> {
  const byRun = new Map<string, string[]>();
  const note = (runId: string, change: string): void => {
    byRun.set(runId, [...(byRun.get(runId) ?? []), change]);
  };
  const proxies = await listProxies(http, toxiproxyUrl);
  const beating = runsAliveByHeartbeat(proxies, nowMs);
  const isTarget = (runId: string): boolean => isTargetRun(runId, beating.has(runId));
  await Promise.all(
    proxies.map(async (proxy) => {
      // Owner markers are not faults: they say whose proxy it is, and go only with the proxy (removeOwnedProxies).
      const ours = proxy.toxics
        .map((toxic) => ({ toxic, parsed: parseFaultName(toxic.name) }))
        .filter(({ parsed }) => !parsed?.owner);
      const owned = ours.filter(({ parsed }) => parsed && isTarget(parsed.runId));
      const markers = owned.filter(({ parsed }) => parsed!.downMarker);
      for (const { parsed } of markers) downSeen.set(proxy.name, parsed!.runId);
      const heldDownBy = downSeen.get(proxy.name);
      const heldByOthers = ours.some(({ parsed }) => parsed?.downMarker && !isTarget(parsed.runId));
      const proxyPath = `/proxies/${encodeURIComponent(proxy.name)}`;
      // Up first, markers after: interrupted in between, the marker still says whose the proxy was.
      if (heldDownBy !== undefined && !proxy.enabled) {
        if (heldByOthers) note(heldDownBy, `${proxy.name}: left down (another live run holds it down)`);
        else {
          await toxiproxyRequest(http, toxiproxyUrl, 'POST', proxyPath, { enabled: true });
          note(heldDownBy, `${proxy.name}: re-enabled (was down)`);
        }
      }
      for (const { toxic, parsed } of owned) {
        await toxiproxyRequest(http, toxiproxyUrl, 'DELETE', `${proxyPath}/toxics/${encodeURIComponent(toxic.name)}`);
        if (!parsed!.downMarker && !parsed!.heartbeat)
          note(parsed!.runId, `${proxy.name}: removed toxic ${toxic.name}`);
      }
    }),
  );
  return [...byRun].map(([runId, changes]) => ({ runId, changes }));
}

/**
 * Deletes the proxies ordeal created (an `ordeal-<runId>-owner` marker) for
 * runs that match `isGone` (dead, or this run at its end), unless a run that
 * does not match still uses the proxy — any of its toxics there, a fresh
 * heartbeat among them (the last live run that uses a proxy removes it).
 * A proxy without an owner marker is a user's own and is never deleted.
 * Returns what it deleted, grouped by the run that created it.
 */
export async function removeOwnedProxies(
  http: GuardedHttp,
  toxiproxyUrl: string,
  isGoneRun: RunTarget,
  nowMs: number = wallClockMs(),
): Promise<RemovedFaults[]> {
  const byRun = new Map<string, string[]>();
  const proxies = await listProxies(http, toxiproxyUrl);
  const beating = runsAliveByHeartbeat(proxies, nowMs);
  const isGone = (runId: string): boolean => isGoneRun(runId, beating.has(runId));
  for (const proxy of proxies) {
    const parsed = proxy.toxics.map((toxic) => parseFaultName(toxic.name)).filter((p) => p !== undefined);
    const owner = parsed.find((p) => p.owner);
    if (!owner || !isGone(owner.runId)) continue;
    const alive = runsAliveByHeartbeat([proxy], nowMs);
    const usedByOthers = parsed.some((p) => !isGone(p.runId) && (!p.heartbeat || alive.has(p.runId)));
    if (usedByOthers) continue;
    await toxiproxyRequest(http, toxiproxyUrl, 'DELETE', `/proxies/${encodeURIComponent(proxy.name)}`);
    byRun.set(owner.runId, [...(byRun.get(owner.runId) ?? []), `${proxy.name}: deleted the proxy it created`]);
  }
  return [...byRun].map(([runId, changes]) => ({ runId, changes }));
}
