/** Finds toxiproxy-server (option, env, PATH, the per-user cache) or builds the pinned version with Go into ~/.cache/ordeal. */
import {
  ensureToxiproxyServer,
  findToxiproxyServer,
  TOXIPROXY_VERSION,
} from '../harness/toxiproxy/toxiproxy-binary.ts';

const found = await findToxiproxyServer();
if (found) {
  process.stderr.write(`ordeal setup: toxiproxy-server found (${found.source}): ${found.path}\n`);
} else {
  process.stderr.write(
    `ordeal setup: building toxiproxy-server ${TOXIPROXY_VERSION} with go install (once; about a minute)\n`,
  );
  const built = await ensureToxiproxyServer();
  process.stderr.write(`ordeal setup: toxiproxy-server built: ${built.path}\n`);
}
