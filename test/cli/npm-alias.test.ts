/**
 * The README's own commands: `npm run` scripts are aliases of the kafka-eks CLI. npm prints a
 * banner (`> name@version script`) on stdout before any script unless it runs with `--silent`, so
 * the README pipes JSON only from `npm run --silent ...`; this test runs exactly that.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

describe('npm run aliases', () => {
  it('`npm run --silent plan -- --json` writes only JSON to stdout', () => {
    const result = spawnSync('npm', ['run', '--silent', 'plan', '--', '--json'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(result.status).toBe(0);
    // Spec warnings may go to stderr; stdout carries the JSON and nothing else (no npm banner).
    expect(result.stdout).not.toContain('> kafka-eks-autoscaling@');
    expect(result.stdout.trimStart().startsWith('[')).toBe(true);
    const resources = JSON.parse(result.stdout) as { type: string }[];
    expect(resources.some(resource => resource.type === 'eks:index:Cluster')).toBe(true);
  }, 120_000);

  it('`npm run synth -- -h` reaches the CLI`s help', () => {
    const result = spawnSync('npm', ['run', '--silent', 'synth', '--', '-h'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Usage: kafka-eks synth');
  }, 60_000);
});
