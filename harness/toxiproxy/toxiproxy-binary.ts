import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access, mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { OrdealError } from '../errors/ordeal-error.ts';

export const TOXIPROXY_VERSION = 'v2.5.0';
export const TOXIPROXY_MODULE = 'github.com/Shopify/toxiproxy/v2/cmd/server';
const BINARY_NAME = 'toxiproxy-server';

export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Where ordeal keeps the binaries it builds: a per-user cache
 * ($ORDEAL_CACHE_DIR, else $XDG_CACHE_HOME/ordeal, else ~/.cache/ordeal) —
 * never inside the package (node_modules is wiped by the next npm ci, and
 * may be read-only).
 */
export function projectCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.ORDEAL_CACHE_DIR ?? path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'ordeal');
}

/** Where clones of ordeal built it before the cache moved: still looked in, never written to. */
const LEGACY_CLONE_CACHE = path.join(PROJECT_ROOT, '.cache');

export function cachedToxiproxyPath(cacheDir = projectCacheDir()): string {
  return path.join(cacheDir, `toxiproxy-${TOXIPROXY_VERSION}`, BINARY_NAME);
}

async function isExecutable(filePath: string): Promise<boolean> {
  try {
    await access(filePath, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export type ToxiproxySource = 'option' | 'env' | 'path' | 'cache' | 'built';

export interface ToxiproxyLookup {
  explicitPath?: string;
  env?: NodeJS.ProcessEnv;
  cacheDir?: string;
}

/** Finds toxiproxy-server: explicit path, then $ORDEAL_TOXIPROXY_SERVER, then PATH, then the project cache. */
export async function findToxiproxyServer(
  lookup: ToxiproxyLookup = {},
): Promise<{ path: string; source: ToxiproxySource } | undefined> {
  const env = lookup.env ?? process.env;
  const named: [string | undefined, ToxiproxySource, string][] = [
    [lookup.explicitPath, 'option', 'the --toxiproxy-server option'],
    [env.ORDEAL_TOXIPROXY_SERVER, 'env', 'ORDEAL_TOXIPROXY_SERVER'],
  ];
  for (const [candidate, source, label] of named) {
    if (!candidate) continue;
    if (await isExecutable(candidate)) return { path: candidate, source };
    throw new OrdealError(
      'ORDEAL_ERR_TOXIPROXY',
      `${label}: "${candidate}" is not an executable file (unset it, or point it at toxiproxy-server)`,
    );
  }
  for (const dir of (env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, BINARY_NAME);
    if (await isExecutable(candidate)) return { path: candidate, source: 'path' };
  }
  for (const dir of [lookup.cacheDir ?? projectCacheDir(env), ...(lookup.cacheDir ? [] : [LEGACY_CLONE_CACHE])]) {
    const cached = cachedToxiproxyPath(dir);
    if (await isExecutable(cached)) return { path: cached, source: 'cache' };
  }
  return undefined;
}

/** Builds toxiproxy-server with `go install <module>@<pinned>` into the project cache (atomic rename). */
export async function buildToxiproxyServer(cacheDir = projectCacheDir()): Promise<string> {
  const target = cachedToxiproxyPath(cacheDir);
  await mkdir(path.dirname(target), { recursive: true });
  const gobin = await mkdtemp(path.join(path.dirname(target), 'build-'));
  try {
    await promisify(execFile)('go', ['install', `${TOXIPROXY_MODULE}@${TOXIPROXY_VERSION}`], {
      env: { ...process.env, GOBIN: gobin, CGO_ENABLED: '0' },
      timeout: 600_000,
    });
    await rename(path.join(gobin, 'server'), target);
    return target;
  } catch (cause) {
    const missingGo = (cause as NodeJS.ErrnoException).code === 'ENOENT';
    throw new OrdealError(
      'ORDEAL_ERR_TOXIPROXY_BUILD',
      missingGo
        ? 'toxiproxy-server is not installed, `go` is not on PATH to build it, and no Docker engine answered for the container provider (install Go, or Docker and the testcontainers package, or set ORDEAL_TOXIPROXY_SERVER to a toxiproxy-server binary)'
        : `building toxiproxy-server ${TOXIPROXY_VERSION} with go install failed: ${(cause as Error).message.trim().slice(0, 400)} (check that the Go module proxy is reachable)`,
      { cause },
    );
  } finally {
    await rm(gobin, { recursive: true, force: true });
  }
}

export async function ensureToxiproxyServer(
  lookup: ToxiproxyLookup = {},
): Promise<{ path: string; source: ToxiproxySource }> {
  const found = await findToxiproxyServer(lookup);
  if (found) return found;
  return { path: await buildToxiproxyServer(lookup.cacheDir ?? projectCacheDir(lookup.env)), source: 'built' };
}
