import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { waitUntil } from '../../harness/clock/wait-until.ts';
import { findFreePort } from '../../harness/net/free-port.ts';
import { stopChild } from '../../harness/process/stop-child.ts';

export interface NginxTarget {
  url: string;
  /** Requests nginx has answered so far (its stub_status counter, less the status requests themselves). */
  requestsServed(): Promise<number>;
  stop(): Promise<void>;
}

/** nginx (Debian) on 127.0.0.1, one worker pinned to `core`, answering "ok" to everything (and a JSON token at /token, for flows). */
export async function startNginx(core: number): Promise<NginxTarget> {
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
    location = /token { default_type application/json; return 200 '{"token":"t-1","user":"bench"}'; }
    location = /nginx-status { stub_status; }
  }
}`;
  await writeFile(path.join(dir, 'nginx.conf'), config);
  const child = spawn(
    'taskset',
    ['-c', String(core), '/usr/sbin/nginx', '-c', path.join(dir, 'nginx.conf'), '-p', dir],
    { stdio: 'ignore' },
  );
  const url = `http://127.0.0.1:${port}/`;
  let statusRequests = 0;
  const requestsServed = async (): Promise<number> => {
    statusRequests += 1;
    const text = await (await fetch(`${url}nginx-status`)).text();
    // "Active connections: N \n server accepts handled requests\n A H R \n ..."
    const total = Number(/\n\s*\d+\s+\d+\s+(\d+)/.exec(text)![1]);
    return total - statusRequests;
  };
  try {
    await waitUntil(async () => (await fetch(url)).ok, { timeoutMs: 5_000, intervalMs: 50, what: `nginx on ${url}` });
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  return { url, requestsServed, stop: () => stopChild(child) };
}
