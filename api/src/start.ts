/** Starts an application on a port and stops it cleanly (open event streams included). */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';

export interface RunningServer {
  /** e.g. http://127.0.0.1:8080 */
  readonly url: string;
  readonly server: http.Server;
  close(): Promise<void>;
}

export function startServer(app: Express, options: Readonly<{ host: string; port: number }>): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = http.createServer(app);
    // Slow-loris protection: a client must send its headers promptly.
    server.headersTimeout = 20_000;
    server.requestTimeout = 0; // event streams are long-lived; idle sockets are handled by keepAliveTimeout
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      const { address, port } = server.address() as AddressInfo;
      const host = address.includes(':') ? `[${address}]` : address;
      resolve({
        url: `http://${host}:${port}`,
        server,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((err) => {
              if (err) fail(err);
              else done();
            });
            // Event streams never end on their own; closing their sockets lets close() complete.
            server.closeAllConnections();
          }),
      });
    });
  });
}
