/** Starting and stopping real peers on 127.0.0.1 with free ports, for integration tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Polls until `check` resolves true or the time is up. */
export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 60_000,
): Promise<void> {
  const start = Date.now();
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 250));
  }
}

/** The cached moto server, or an error naming the script that installs it. */
export function motoServerPath(): string {
  const cache = process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  const path = join(cache, 'kafka-eks-autoscaling', 'moto-venv', 'bin', 'moto_server');
  if (!existsSync(path)) {
    throw new Error(
      `moto server not found at ${path}; install it with scripts/peers/install-moto.sh`,
    );
  }
  return path;
}

/** The Prometheus binary, or an error naming the script that installs it. */
export function prometheusPath(): string {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const candidate = join(dir, 'prometheus');
    if (dir !== '' && existsSync(candidate)) return candidate;
  }
  throw new Error(
    'prometheus not found on PATH; install it with scripts/peers/install-prometheus.sh',
  );
}

/**
 * Writes `dir/prometheus.yml`: scrape and evaluate every 1 s, one job `exporter` on
 * 127.0.0.1:`exporterPort` with its labels kept as sent (`honor_labels`). Returns its path.
 */
export function writeScrapeConfig(dir: string, exporterPort: number): string {
  const configPath = join(dir, 'prometheus.yml');
  writeFileSync(
    configPath,
    [
      'global: { scrape_interval: 1s, evaluation_interval: 1s }',
      'scrape_configs:',
      '  - job_name: exporter',
      '    honor_labels: true',
      `    static_configs: [{ targets: ['127.0.0.1:${exporterPort}'] }]`,
      '',
    ].join('\n'),
  );
  return configPath;
}

/** Starts a process and returns it with a stop function that waits for it to exit. */
export function startProcess(
  command: string,
  args: string[],
): { child: ChildProcess; stop: () => Promise<void> } {
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', chunk => {
    stderr = (stderr + String(chunk)).slice(-4000);
  });
  child.on('exit', code => {
    if (code !== 0 && code !== null) process.stderr.write(`${command} exited ${code}: ${stderr}\n`);
  });
  return {
    child,
    stop: () =>
      new Promise<void>(resolve => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
