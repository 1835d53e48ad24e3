import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { findFreePort } from '../../harness/net/free-port.ts';
import { stopChild } from '../../harness/process/stop-child.ts';

/** nginx (Debian) on 127.0.0.1, one worker pinned to `core`, answering "ok" to everything. */
export async function startNginx(core: number): Promise<{ url: string; stop: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ordeal-nginx-'));
  const port = await findFreePort();
  const config = `
worker_processes 1;
worker_cpu_affinity ${(1 << core).toString(2)};
daemon off;
master_process off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 10000000;
  keepalive_timeout 120s;
  client_body_temp_path ${dir};
  proxy_temp_path ${dir};
  fastcgi_temp_path ${dir};
  uwsgi_temp_path ${dir};
  scgi_temp_path ${dir};
  server {
    listen 127.0.0.1:${port};
    location / { return 200 'ok'; }
  }
}`;
  await writeFile(path.join(dir, 'nginx.conf'), config);
  const child = spawn('taskset', ['-c', String(core), '/usr/sbin/nginx', '-c', path.join(dir, 'nginx.conf'), '-p', dir], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}/`;
  for (let i = 0; i < 100; i++) {
    if (await fetch(url).then((r) => r.ok, () => false)) return { url, stop: () => stopChild(child) };
    await new Promise((r) => setTimeout(r, 50));
  }
  await stopChild(child);
  throw new Error(`nginx did not start on ${url}`);
}
