/**
 * Warnings for defaults that only name a place: the unpublished controller image and the
 * placeholder runbook URL. Checked on the rule itself and on both commands a user runs first.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { parseSpec } from '../../spec/load';
import { PLACEHOLDER_RUNBOOK_BASE_URL, UNPUBLISHED_CONTROLLER_IMAGE } from '../../spec/schema';
import { specInput } from '../util/specs';

const ROOT = join(__dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

function warningPaths(input: Parameters<typeof parseSpec>[0]): string[] {
  return parseSpec(input).warnings.map(w => w.path);
}

describe('placeholder warnings', () => {
  it('warns about the unpublished default image, naming the field and the command to fix it', () => {
    const warning = parseSpec(specInput(3, 4)).warnings.find(w => w.path === 'controller.image');
    expect(warning?.message).toContain(JSON.stringify(UNPUBLISHED_CONTROLLER_IMAGE));
    expect(warning?.message).toMatch(/ImagePullBackOff/);
    expect(warning?.message).toMatch(/npm run image/);
    expect(warning?.message).toMatch(/set controller\.image/);
  });

  it('stops warning once controller.image is set to anything else', () => {
    const input = specInput(3, 4, {
      controller: { image: 'registry.example.com/platform/controller:0.1.0' },
    });
    expect(warningPaths(input)).not.toContain('controller.image');
  });

  it('does not warn about the image when the controller is not deployed', () => {
    for (const mode of ['off', 'target-tracking'] as const) {
      expect(warningPaths(specInput(3, 4, { autoscaling: { mode } }))).not.toContain(
        'controller.image',
      );
    }
  });

  it('warns about the placeholder runbook URL while alerts are rendered, and only then', () => {
    const warning = parseSpec(specInput(3, 4)).warnings.find(
      w => w.path === 'monitoring.runbookBaseUrl',
    );
    expect(warning?.message).toContain(JSON.stringify(PLACEHOLDER_RUNBOOK_BASE_URL));
    expect(warning?.message).toMatch(/set monitoring\.runbookBaseUrl/);
    expect(
      warningPaths(specInput(3, 4, { monitoring: { runbookBaseUrl: 'https://wiki.example/rb' } })),
    ).not.toContain('monitoring.runbookBaseUrl');
    expect(warningPaths(specInput(3, 4, { monitoring: { enabled: false } }))).not.toContain(
      'monitoring.runbookBaseUrl',
    );
  });
});

describe('synth and plan print the placeholder warnings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'placeholder-warnings-'));
  const specFile = join(dir, 'spec.yaml');
  writeFileSync(specFile, stringify(specInput(3, 4)));

  function run(
    script: string,
    args: string[],
  ): { status: number | null; output: string; stdout: string; stderr: string } {
    const result = spawnSync(TSX, [join(ROOT, 'cli', 'main.ts'), script, ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 90000,
    });
    return {
      status: result.status,
      output: `${result.stdout}\n${result.stderr}`,
      stdout: result.stdout,
      stderr: result.stderr,
    };
  }

  it('synth', () => {
    const out = join(dir, 'dist');
    const result = run('synth', ['--config', specFile, '--out', out]);
    expect(result.status).toBe(0);
    expect(readdirSync(out)).toContain('autoscaler');
    // On stderr (README: warnings and errors go to stderr), not in the summary on stdout.
    expect(result.stderr).toMatch(/^warning: controller\.image: "ghcr\.io\//m);
    expect(result.stderr).toMatch(/^warning: monitoring\.runbookBaseUrl: "https:\/\//m);
    expect(result.stdout).not.toContain('warning:');
  });

  it('plan', () => {
    const result = run('plan', ['--config', specFile]);
    expect(result.status).toBe(0);
    expect(result.output).toMatch(/^warning: controller\.image: "ghcr\.io\//m);
    expect(result.output).toMatch(/^warning: monitoring\.runbookBaseUrl: "https:\/\//m);
  });
});
