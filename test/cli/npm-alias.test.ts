/**
 * The README's own commands: `npm run` scripts are aliases of the kafka-eks CLI. npm prints a
 * banner (`> name@version script`) on stdout before any script unless it runs with `--silent`, so
 * the README pipes JSON only from `npm run --silent ...`; this test runs exactly that.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

  it('`npm run synth --config=x.yaml` (before --) is refused, and npm sets none of our names itself', () => {
    const work = mkdtempSync(join(tmpdir(), 'npm-kept-'));
    try {
      const out = join(work, 'dist');
      const result = spawnSync(
        'npm',
        ['run', '--silent', 'synth', '--config=x.yaml', '--', '--out', out],
        { cwd: ROOT, encoding: 'utf8' },
      );
      expect(result.status).toBe(1);
      // Only --config: none of synth's other option names is among npm's own variables.
      expect(result.stderr).toBe(
        [
          "--config: npm took this option for itself (npm_config_config=x.yaml) and did not pass it to 'kafka-eks synth'.",
          'Options go after -- under npm: npm run synth -- --config x.yaml',
          'Nothing was written.',
          '',
        ].join('\n'),
      );
      expect(existsSync(out)).toBe(false);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }, 60_000);
});
