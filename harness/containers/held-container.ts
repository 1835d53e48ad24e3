/**
 * Where the Docker Engine API is: a unix socket (the default /var/run/docker.sock, or DOCKER_HOST=unix://…), or a
 * TCP engine on loopback (DOCKER_HOST=tcp://127.0.0.1:2375). Kept in the lease, so the watchdog and `ordeal cleanup`
 * reach the same engine. (Types only, apart from the client: a library user without dockerode type-checks them.)
 */
export type DockerEndpoint = { socketPath: string } | { host: string; port: number };

/**
 * A container fault's undo, recorded before the fault is applied (in the watchdog and the run's lease): unpause a
 * paused container, start a stopped one. Whoever is left — the run, its watchdog, `ordeal cleanup` — runs it.
 */
export interface HeldContainer {
  id: string;
  name: string;
  undo: 'unpause' | 'start';
  docker: DockerEndpoint;
}
