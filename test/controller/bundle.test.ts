/**
 * The controller image runs one esbuild bundle of controller/main.ts (see controller/Dockerfile).
 * Build it the same way and start it: every module, the ESM Kubernetes client included, must load
 * under the project's Node, and a missing configuration must stop it with a clear error.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildSync } from 'esbuild';
import { controllerConfigFromSpec } from '../../controller/config';
import { exampleSpec } from '../util/specs';

const ROOT = resolve(__dirname, '..', '..');

describe('controller bundle', () => {
  const dir = mkdtempSync(join(tmpdir(), 'controller-bundle-'));
  const bundle = join(dir, 'main.js');

  beforeAll(() => {
    buildSync({
      entryPoints: [join(ROOT, 'controller', 'main.ts')],
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      outfile: bundle,
      logLevel: 'silent',
    });
  });

  function start(env: Record<string, string>): { status: number | null; output: string } {
    const result = spawnSync(process.execPath, [bundle], {
      env: { PATH: process.env.PATH ?? '', ...env },
      encoding: 'utf8',
      timeout: 20000,
    });
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
  }

  it('stops with a clear error when the configuration file is missing', () => {
    const { status, output } = start({ CONFIG_PATH: join(dir, 'missing.json') });
    expect(status).not.toBe(0);
    expect(output).toMatch(/cannot read controller configuration .*missing\.json/);
  });

  it('loads the synthesized configuration and stops when no cluster is reachable', () => {
    const configPath = join(dir, 'config.json');
    writeFileSync(configPath, JSON.stringify(controllerConfigFromSpec(exampleSpec('prod'))));
    const { status, output } = start({
      CONFIG_PATH: configPath,
      POD_NAME: 'test',
      POD_NAMESPACE: 'kafka-autoscaler',
      KUBECONFIG: join(dir, 'no-kubeconfig'),
      AWS_REGION: 'us-east-1',
    });
    expect(status).not.toBe(0);
    expect(output).not.toMatch(/cannot read controller configuration/);
    expect(output).toMatch(/no-kubeconfig/);
  });
});
