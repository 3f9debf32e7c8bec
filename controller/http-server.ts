/**
 * `/metrics`, `/healthz` (the loop is alive) and `/readyz` (the view is fresh) on one port.
 */
import { createServer, type Server } from 'node:http';

/** What the probes ask. */
export interface HealthSource {
  /** The control loop ran recently. */
  alive(): boolean;
  /** The observation is fresh enough to act on. */
  fresh(): boolean;
  /** Prometheus exposition text. */
  metrics(): Promise<string>;
}

/** Starts the server; resolves once it listens. */
export async function startHttpServer(
  source: HealthSource,
  port: number,
  host = '0.0.0.0',
): Promise<Server> {
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    const reply = (status: number, body: string, type = 'text/plain; charset=utf-8') => {
      response.writeHead(status, { 'content-type': type });
      response.end(body);
    };
    if (path === '/healthz')
      return reply(source.alive() ? 200 : 503, source.alive() ? 'ok\n' : 'loop stalled\n');
    if (path === '/readyz')
      return reply(source.fresh() ? 200 : 503, source.fresh() ? 'ok\n' : 'view is stale\n');
    if (path === '/metrics') {
      source.metrics().then(
        text => reply(200, text, 'text/plain; version=0.0.4; charset=utf-8'),
        error => reply(500, String(error)),
      );
      return;
    }
    reply(404, 'not found\n');
  });
  await new Promise<void>(resolve => server.listen(port, host, resolve));
  return server;
}
