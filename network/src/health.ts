import http from 'node:http';
import net from 'node:net';

/** True when something accepts TCP connections on host:port. */
export function portOpen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => {
      resolve(false);
    });
  });
}

/**
 * Fabric's operations endpoint /healthz (peers, orderers, CAs). The operations listeners are bound to their
 * organisation's host (127.0.0.1 on one machine) and carry no ledger data, so they run without TLS; every gRPC, admin
 * and CA API endpoint uses TLS.
 */
export function operationsHealthy(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ host, port, path: '/healthz', timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
    req.on('error', () => {
      resolve(false);
    });
  });
}

/**
 * A peer's ledger height for a channel from its operations endpoint (the Prometheus gauge ledger_blockchain_height):
 * readable while the peer is still replaying the chain, when channel queries are refused (it checks a caller against
 * the configuration it has reached, which may predate the caller's organisation). Undefined until it reports one.
 */
export async function peerLedgerHeight(host: string, port: number, channel: string): Promise<number | undefined> {
  const metrics = await operationsMetrics(host, port);
  return metrics === undefined ? undefined : ledgerHeightOf(metrics, channel);
}

/**
 * How many of its channel's Raft consenters an orderer's leader counts as active, and how many there are, from the
 * orderer's own operations endpoint (a follower learns the count from the leader's messages). Equal counts mean
 * the orderer is back in the cluster; undefined until it reports both.
 */
export async function ordererClusterView(
  host: string,
  port: number,
  channel: string,
): Promise<{ active: number; size: number } | undefined> {
  const metrics = await operationsMetrics(host, port);
  if (metrics === undefined) return undefined;
  const active = channelGauge(metrics, 'consensus_etcdraft_active_nodes', channel);
  const size = channelGauge(metrics, 'consensus_etcdraft_cluster_size', channel);
  return active === undefined || size === undefined ? undefined : { active, size };
}

/** The /metrics text of an operations endpoint; undefined when it does not answer. */
function operationsMetrics(host: string, port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const req = http.get({ host, port, path: '/metrics', timeout: 5000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        resolve(res.statusCode === 200 ? Buffer.concat(chunks).toString('utf8') : undefined);
      });
    });
    req.on('timeout', () => {
      req.destroy();
      resolve(undefined);
    });
    req.on('error', () => {
      resolve(undefined);
    });
  });
}

/** The ledger_blockchain_height sample of one channel in Prometheus text exposition format. */
export function ledgerHeightOf(metrics: string, channel: string): number | undefined {
  return channelGauge(metrics, 'ledger_blockchain_height', channel);
}

/** A gauge labelled only by channel, as a whole number >= 0, in Prometheus text exposition format. */
export function channelGauge(metrics: string, name: string, channel: string): number | undefined {
  const prefix = `${name}{channel="${channel}"} `;
  const line = metrics.split('\n').find((candidate) => candidate.startsWith(prefix));
  if (line === undefined) return undefined;
  const value = Number(line.slice(prefix.length).trim());
  return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}
