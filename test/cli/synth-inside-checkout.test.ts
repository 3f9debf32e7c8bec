/**
 * `synth --out` into a folder of the generator's own checkout other than its output folders is
 * refused, as the README says, run as the newcomer ran it: `cd stacks && npm run synth -- --out .`.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');

it.each([
  ['stacks', '.'],
  ['.', 'charts/platform'],
])('refuses npm run synth -- --out %s/%s, writing nothing', (typedIn, out) => {
  const folder = join(ROOT, typedIn);
  const before = readdirSync(ROOT, { recursive: true, withFileTypes: false }).length;
  const result = spawnSync('npm', ['run', '-s', 'synth', '--', '--out', out], {
    cwd: folder,
    encoding: 'utf8',
  });
  expect(result.stderr).toContain(
    `is inside the folder of this generator (${ROOT}), beside its sources (in it only dist/, dist-cdk8s/, out/ take output)`,
  );
  expect(result.stderr).toMatch(/Nothing was written\.\n$/);
  expect(result.status).toBe(1);
  expect(readdirSync(join(ROOT, 'stacks'))).not.toContain('kustomization.yaml');
  expect(readdirSync(ROOT, { recursive: true, withFileTypes: false }).length).toBe(before);
});
