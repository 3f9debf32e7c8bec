/** A real Prometheus for an end-to-end run: scrapes the Strimzi stand-in's metrics every second. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../cluster/control-plane';
import { prometheusBinary } from './binaries';
import { waitUntil, type ProcessGroup, type RunningProcess } from './processes';

/** A running Prometheus; `restart` starts it again on the same port and data (the fault). */
export interface Prometheus {
  readonly url: string;
  process(): RunningProcess;
  restart(): Promise<void>;
}

/** Starts Prometheus on a free port with its data under `runDir`, scraping `targetUrl`. */
export async function startPrometheus(
  runDir: string,
  targetUrl: string,
  processes: ProcessGroup,
): Promise<Prometheus> {
  const target = new URL(targetUrl);
  const dir = join(runDir, 'prometheus');
  mkdirSync(dir, { recursive: true });
  const configPath = join(dir, 'prometheus.yml');
  writeFileSync(
    configPath,
    [
      'global: { scrape_interval: 1s, evaluation_interval: 1s }',
      'scrape_configs:',
      '  - job_name: strimzi-stand-in',
      '    honor_labels: true',
      `    metrics_path: ${target.pathname}`,
      `    static_configs: [{ targets: ['${target.host}'] }]`,
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const args = [
    `--config.file=${configPath}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
  ];
  const ready = () =>
    waitUntil('Prometheus ready', async () => (await fetch(`${url}/-/ready`)).ok, 60_000, {
      everyMs: 250,
    });
  let current = processes.start('prometheus', prometheusBinary(), args);
  await ready();
  return {
    url,
    process: () => current,
    restart: async () => {
      await current.stop();
      current = processes.start('prometheus', prometheusBinary(), args);
      await ready();
    },
  };
}
