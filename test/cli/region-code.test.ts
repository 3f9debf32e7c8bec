/**
 * A misspelt region (`us-esat-1`, zones `us-esat-1a..c`) had the right shape, so synth wrote the
 * manifests, `plan` planned subnets in it and `cost` said "us-esat-1 lists other prices". The spec
 * check now refuses it first, in every command that loads the spec.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { runCost } from '../../cli/run/cost';
import { ROOT, synth } from './synth-run';

describe('a region that is not an AWS region code', () => {
  const work = mkdtempSync(join(tmpdir(), 'region-code-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  /** stacks/dev.yaml moved to the misspelt region `us-esat-1`. */
  function misspeltSpec(): string {
    const spec = parse(readFileSync(join(ROOT, 'stacks', 'dev.yaml'), 'utf8')) as Record<
      string,
      unknown
    >;
    spec['region'] = 'us-esat-1';
    spec['zones'] = ['us-esat-1a', 'us-esat-1b', 'us-esat-1c'];
    const file = join(work, 'misspelt.yaml');
    writeFileSync(file, stringify(spec));
    return file;
  }

  it('synth exits 1, names the field, the value and the nearest region, and writes nothing', () => {
    // GIVEN the dev spec with region us-esat-1
    const out = join(work, 'out');
    // WHEN synth runs
    const result = synth(['--config', misspeltSpec(), '--out', out]);
    // THEN it fails before writing
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('region: "us-esat-1" is not an AWS region code');
    expect(result.stderr).toContain('did you mean "us-east-1"?');
    expect(existsSync(out)).toBe(false);
  });

  it('cost refuses it too, instead of saying the region lists other prices', () => {
    const err: string[] = [];
    const io = { stdout: () => undefined, stderr: (text: string) => err.push(text) };
    // The CLI prints a SpecError and exits 1 (cli/main.ts), before any price is looked at.
    expect(() => runCost({ config: misspeltSpec(), json: false, prices: {} }, io)).toThrow(
      /region: "us-esat-1" is not an AWS region code/,
    );
    expect(err.join('')).not.toContain('lists other prices');
  });
});
