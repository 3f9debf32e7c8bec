import type { AddressInfo } from 'node:net';
import { startHttpServer } from '../../controller/http-server';
import { ControllerMetrics } from '../../controller/metrics';

describe('http server', () => {
  test('readyz fails while the view is stale; metrics expose the decision', async () => {
    let fresh = false;
    const metrics = new ControllerMetrics({ defaultMetrics: false });
    metrics.recordPlan(
      {
        action: undefined,
        reason: 'stale-data',
        detail: 'x',
        zones: [
          { zone: 'a', currentNodes: 1, desiredNodes: 2, scaleInLevelNodes: 2, demandMiBps: 3 },
        ],
        memory: { scaleInEligibleSinceMs: {}, waitingForNodesSinceMs: {}, levelCarriesSinceMs: {} },
      },
      0,
    );
    const server = await startHttpServer(
      { alive: () => true, fresh: () => fresh, metrics: () => metrics.text() },
      0,
      '127.0.0.1',
    );
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect((await fetch(`${base}/readyz`)).status).toBe(503);
      fresh = true;
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
      const text = await (await fetch(`${base}/metrics`)).text();
      expect(text).toContain('kafka_autoscaler_desired_nodes{zone="a"} 2');
      expect(text).toContain('kafka_autoscaler_last_decision{reason="stale-data"} 1');
    } finally {
      server.close();
    }
  });
});
