/** `cdk8s synth` through cdk8s.yaml writes the same objects as `npm run synth`. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { synthPlatform } from '../../charts/synth';
import { exampleSpec } from '../util/specs';

const ROOT = resolve(__dirname, '..', '..');

describe('cdk8s CLI entry', () => {
  it('writes the same manifests as npm run synth for the default spec', () => {
    const out = mkdtempSync(join(tmpdir(), 'cdk8s-cli-'));
    const result = spawnSync(
      join(ROOT, 'node_modules', '.bin', 'cdk8s'),
      ['synth', '--check-upgrade=false', '--output', out],
      {
        cwd: ROOT,
        encoding: 'utf8',
      },
    );
    expect(result.status).toBe(0);
    const fromCli = readdirSync(out)
      .sort()
      .flatMap(file => parseAllDocuments(readFileSync(join(out, file), 'utf8')).map(d => d.toJS()));
    const fromSynth = synthPlatform(exampleSpec('prod')).components.flatMap(c => c.objects);
    const key = (o: { kind: string; metadata: { name: string; namespace?: string } }): string =>
      `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    expect(fromCli.map(key).sort()).toEqual(fromSynth.map(key).sort());
    const synthByKey = new Map(fromSynth.map(o => [key(o), o]));
    for (const object of fromCli) expect(object).toEqual(synthByKey.get(key(object)));
  });
});
