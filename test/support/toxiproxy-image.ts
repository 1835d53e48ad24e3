import { execFile, spawnSync } from 'node:child_process';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { buildToxiproxyServer, projectCacheDir } from '../../harness/toxiproxy/toxiproxy-binary.ts';
import { TOXIPROXY_IMAGE } from '../../harness/toxiproxy/toxiproxy-container.ts';
import { locked } from './docker-engine.ts';

/**
 * No image registry is reachable here, so the official image name is given to
 * an image built locally: FROM scratch (docker import of a tarball), holding
 * toxiproxy-server built static (CGO_ENABLED=0) from the pinned Go module,
 * with the official image's entrypoint (/toxiproxy).
 */
export async function ensureLocalToxiproxyImage(): Promise<'present' | 'built'> {
  // One test file builds it; another running beside it waits, then finds it present.
  return locked(buildUnlessPresent);
}

async function buildUnlessPresent(): Promise<'present' | 'built'> {
  if (spawnSync('docker', ['image', 'inspect', TOXIPROXY_IMAGE]).status === 0) return 'present';
  const binary = await buildToxiproxyServer(path.join(projectCacheDir(), 'static'));
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ordeal-image-'));
  try {
    await copyFile(binary, path.join(dir, 'toxiproxy'));
    await promisify(execFile)('sh', [
      '-c',
      `tar -C "${dir}" -c toxiproxy | docker import --change 'ENTRYPOINT ["/toxiproxy"]' - ${TOXIPROXY_IMAGE}`,
    ]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return 'built';
}
