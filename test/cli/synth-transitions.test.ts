/**
 * `kafka-eks synth` against the output it wrote last time (charts/transitions.ts): a change Strimzi,
 * Kafka or Kubernetes refuse exits 1, names each field, the old and new value and the fix, and leaves
 * the folder byte-identical; growing is fine.
 */
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synth, tree } from './synth-run';

function spec(kafka: string[]): string {
  return [
    'name: orders-dev',
    'region: us-east-1',
    'zones: [us-east-1a, us-east-1b, us-east-1c]',
    'kafka:',
    '  brokers: 3',
    ...kafka.map(line => `  ${line}`),
    'nodes:',
    '  kafka: { instanceType: m6i.large, minPerZone: 1, maxPerZone: 1 }',
    "autoscaling: { mode: 'off' }",
    '',
  ].join('\n');
}

describe('synth refuses changes the running platform cannot take', () => {
  it('exits 1 on a smaller volume, fewer partitions and an older Kafka line, writing nothing', () => {
    // GIVEN an output written from a spec
    const work = mkdtempSync(join(tmpdir(), 'synth-transitions-'));
    const out = join(work, 'out');
    const first = join(work, 'first.yaml');
    writeFileSync(
      first,
      spec([
        'version: 4.3.1',
        'storage: { sizeGi: 100 }',
        'topics:',
        '  - { name: orders, partitions: 12 }',
      ]),
    );
    expect(synth(['--config', first, '--out', out]).status).toBe(0);
    const before = tree(out);
    // WHEN the spec shrinks the volumes and the topic and goes back a Kafka line
    const second = join(work, 'second.yaml');
    writeFileSync(
      second,
      spec([
        'version: 4.2.1',
        'storage: { sizeGi: 50 }',
        'topics:',
        '  - { name: orders, partitions: 6 }',
      ]),
    );
    const result = synth(['--config', second, '--out', out]);
    // THEN synth exits 1, names each problem with the fix, and the folder is as it was
    expect(result.status).toBe(1);
    for (const expected of [
      '(compared with the output synth wrote to',
      'kafka.version: "4.2.1" is an older line than the "4.3.1" of the previous output',
      'kafka.storage.sizeGi: 50 GiB is below the 100 GiB of the broker volumes in the previous output',
      'keep at least 100 (volumes only grow)',
      'kafka.topics[0].partitions: 6 is below the 12 partitions topic "orders" has in the previous output',
      'Nothing was written.',
    ]) {
      expect(result.stderr).toContain(expected);
    }
    expect(tree(out)).toEqual(before);
    // AND --ignore-previous-output (a platform created anew) lets the same spec through
    const fresh = join(work, 'fresh');
    expect(synth(['--config', first, '--out', fresh]).status).toBe(0);
    expect(synth(['--config', second, '--out', fresh, '--ignore-previous-output']).status).toBe(0);
    // AND growing the volume and the topic is accepted
    const third = join(work, 'third.yaml');
    writeFileSync(
      third,
      spec([
        'version: 4.3.1',
        'storage: { sizeGi: 200 }',
        'topics:',
        '  - { name: orders, partitions: 24 }',
      ]),
    );
    const grown = synth(['--config', third, '--out', out]);
    // Only the spec's own warnings on stderr, no refusal.
    expect(
      grown.stderr.split('\n').filter(line => line !== '' && !line.startsWith('warning: ')),
    ).toEqual([]);
    expect(grown.status).toBe(0);
  });

  it('exits 1 when the prod example reorders its zones, and accepts an appended zone', () => {
    // GIVEN the prod example's output
    const work = mkdtempSync(join(tmpdir(), 'synth-zones-'));
    const out = join(work, 'out');
    const prod = readFileSync(join(__dirname, '..', '..', 'stacks', 'prod.yaml'), 'utf8');
    const zonesLine = 'zones: [us-east-1a, us-east-1b, us-east-1c]';
    expect(prod).toContain(zonesLine);
    const first = join(work, 'prod.yaml');
    writeFileSync(first, prod);
    expect(synth(['--config', first, '--out', out]).status).toBe(0);
    const before = tree(out);
    // WHEN the same spec lists its zones in another order
    const reordered = join(work, 'reordered.yaml');
    writeFileSync(
      reordered,
      prod.replace(zonesLine, 'zones: [us-east-1b, us-east-1a, us-east-1c]'),
    );
    const result = synth(['--config', reordered, '--out', out]);
    // THEN synth refuses with the rule pulumi up applies (spec/zone-order.ts), and writes nothing
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      'zones: ["us-east-1b", "us-east-1a", "us-east-1c"] does not keep the zones of the previous output, ["us-east-1a", "us-east-1b", "us-east-1c"]',
    );
    expect(result.stderr).toContain(
      'position 1 holds "us-east-1b" instead of "us-east-1a" (which moves to position 2)',
    );
    expect(result.stderr).toContain('Fix: use zones ["us-east-1a", "us-east-1b", "us-east-1c"]');
    expect(tree(out)).toEqual(before);
    // AND a fourth zone at the end (with its brokers) goes through
    const appended = join(work, 'appended.yaml');
    writeFileSync(
      appended,
      prod
        .replace(zonesLine, 'zones: [us-east-1a, us-east-1b, us-east-1c, us-east-1d]')
        .replace('brokers: 12', 'brokers: 16'),
    );
    expect(synth(['--config', appended, '--out', out]).status).toBe(0);
  });

  it('compares with the output it writes also when --out has a `..` after a link', () => {
    // GIVEN an output in work/out, and work/link leading to a folder elsewhere (the kernel reads
    // `link/..` as that folder's parent, where no output is; synth writes work/out)
    const work = mkdtempSync(join(tmpdir(), 'synth-transitions-dotdot-'));
    const elsewhere = mkdtempSync(join(tmpdir(), 'synth-transitions-elsewhere-'));
    mkdirSync(join(elsewhere, 'deep', 'sub'), { recursive: true });
    symlinkSync(join(elsewhere, 'deep', 'sub'), join(work, 'link'));
    const first = join(work, 'first.yaml');
    writeFileSync(first, spec(['storage: { sizeGi: 100 }']));
    expect(synth(['--config', first, '--out', join(work, 'out')]).status).toBe(0);
    const before = tree(join(work, 'out'));
    // WHEN the volumes shrink, with the folder named through the link and `..`
    const second = join(work, 'second.yaml');
    writeFileSync(second, spec(['storage: { sizeGi: 50 }']));
    const result = synth(['--config', second, '--out', `${work}/link/../out`]);
    // THEN the shrink is refused as for the plain path, and the output is as it was
    expect(result.stderr).toContain(
      'kafka.storage.sizeGi: 50 GiB is below the 100 GiB of the broker volumes in the previous output',
    );
    expect(result.status).toBe(1);
    expect(tree(join(work, 'out'))).toEqual(before);
  });

  it('exits 1 when the acting controller would move to another Lease, and lets the three-step move through', () => {
    // GIVEN an output with an acting controller in kafka-autoscaler
    const work = mkdtempSync(join(tmpdir(), 'synth-transitions-lease-'));
    const out = join(work, 'out');
    const write = (name: string, namespace: string, dryRun: boolean): string => {
      const file = join(work, name);
      writeFileSync(
        file,
        spec([]).replace(
          "autoscaling: { mode: 'off' }",
          `autoscaling: { mode: controller, dryRun: ${String(dryRun)} }\ncontroller: { namespace: ${namespace} }`,
        ),
      );
      return file;
    };
    expect(
      synth(['--config', write('a.yaml', 'kafka-autoscaler', false), '--out', out]).status,
    ).toBe(0);
    const before = tree(out);
    // WHEN the spec moves it while it acts
    const moved = write('b.yaml', 'autoscaler-moved', false);
    const result = synth(['--config', moved, '--out', out]);
    // THEN synth exits 1 naming both Leases and the steps, and writes nothing
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      'controller.namespace: the running controller leads through Lease kafka-autoscaler/',
    );
    expect(result.stderr).toContain('Nothing was written.');
    expect(tree(out)).toEqual(before);
    // AND the documented move passes step by step: dry run, then the namespace, then acting
    expect(
      synth(['--config', write('c.yaml', 'kafka-autoscaler', true), '--out', out]).status,
    ).toBe(0);
    expect(
      synth(['--config', write('d.yaml', 'autoscaler-moved', true), '--out', out]).status,
    ).toBe(0);
    expect(synth(['--config', moved, '--out', out]).status).toBe(0);
  });
});
