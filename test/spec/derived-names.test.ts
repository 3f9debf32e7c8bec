/** The table of derived names and limits (issue #12, reproduction 4). */
import { nameLimitOf } from '../../spec/aws-name-limits';
import {
  derivedNames,
  isValidDerivedName,
  maxNameLengthFor,
  type DerivedName,
} from '../../spec/derived-names';
import { parseSpec, type LoadedSpec, type PlatformSpecInput } from '../../spec';
import { planStack } from '../components/plan-fixture';
import { exampleSpec, specInput, specProblems as problemsOf } from '../util/specs';

const external = (name: string, extra: Partial<PlatformSpecInput> = {}): PlatformSpecInput => ({
  ...specInput(3, 2),
  name,
  ...extra,
});

describe('derived names', () => {
  // Reproduction 4: a 40-character name with external access gave Strimzi a 65-character Service.
  it('throws when the name makes the external bootstrap Service longer than 63', () => {
    const name = `${'a'.repeat(39)}b`;
    const problems = problemsOf(external(name));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(
      `the Strimzi Service of the external bootstrap NLB "${name}-kafka-external-bootstrap" is 65 characters, over its limit of 63`,
    );
    expect(problems[0]).toMatch(/with this spec, name may be at most 32 characters$/);
  });

  it('throws when the Pulumi auto-named IAM role would pass 64 characters', () => {
    const name = 'a'.repeat(33);
    expect(problemsOf(external(name))[0]).toContain(
      `the AWS (Pulumi) IAM role of Cluster Autoscaler "${name}-cluster-autoscaler-role-1a2b3c4" is 65 characters, over its limit of 64`,
    );
  });

  it('accepts the longest allowed name and rejects one character more, for every row', () => {
    for (const input of [external('x'), { ...specInput(2, 3), name: 'x' }]) {
      const spec = parseSpec(input).spec;
      const most = maxNameLengthFor(spec);
      const longest = parseSpec({ ...input, name: `n${'a'.repeat(most - 1)}` }).spec;
      // GIVEN the longest name: every row is valid
      expect(derivedNames(longest).filter(row => !isValidDerivedName(row))).toEqual([]);
      // AND a row is exactly at its limit (the limit is tight, not a guess)
      expect(derivedNames(longest).some(row => row.name.length === row.maxLength)).toBe(true);
      // WHEN one character is added THEN the spec is rejected on `name`
      expect(problemsOf({ ...input, name: `n${'a'.repeat(most)}` })[0]).toMatch(/^name: /);
    }
  });

  it('lists the names of every kind the issue names, with their limits', () => {
    const rows = derivedNames(parseSpec(external('orders')).spec);
    const find = (what: string): DerivedName => {
      const row = rows.find(r => r.what === what);
      if (row === undefined) throw new Error(`no row ${what}`);
      return row;
    };
    expect(find('Service of the external bootstrap NLB')).toMatchObject({
      name: 'orders-kafka-external-bootstrap',
      maxLength: 63,
      syntax: 'dns1035-label',
    });
    expect(find('per-broker NLB Service of pool brokers-c')).toMatchObject({
      name: 'orders-brokers-c-3999',
      maxLength: 63,
    });
    expect(find('pod (hostname) of pool controllers, highest node ID').name).toBe(
      'orders-controllers-999',
    );
    expect(find('Secret cluster-ca-cert')).toMatchObject({ maxLength: 253 });
    expect(find('IAM role of the nodes')).toMatchObject({
      name: 'orders-node-1a2b3c4',
      maxLength: nameLimitOf('aws:iam/role:Role')!.maxLength,
    });
    expect(find('system managed nodegroup')).toMatchObject({
      name: 'orders-system',
      maxLength: 63,
    });
    expect(find('launch template of the Kafka nodes').maxLength).toBe(125);
    expect(
      find('NLB and target group names (AWS Load Balancer Controller truncates)'),
    ).toMatchObject({ maxLength: 32, fixedLength: undefined });
    expect(
      find('NLB and target group names (AWS Load Balancer Controller truncates)').name.length,
    ).toBeLessThanOrEqual(32);
  });

  describe.each([
    ['prod example', exampleSpec('prod')],
    ['dev example', exampleSpec('dev')],
    [
      'target-tracking, 32-character name',
      parseSpec(external('p'.repeat(32), { autoscaling: { mode: 'target-tracking' } })),
    ],
  ])('matches the AWS names the Pulumi stack registers: %s', (_label, loaded: LoadedSpec) => {
    it('has a row for every name-limited AWS resource of the plan', async () => {
      const plan = await planStack(loaded);
      const rows = derivedNames(loaded.spec).filter(row => row.owner.startsWith('AWS'));
      const missing = plan.resources.flatMap(resource => {
        const limit = nameLimitOf(resource.type);
        const physical = resource.inputs[limit?.nameProperty ?? ''];
        if (limit === undefined || typeof physical !== 'string') return [];
        const known = rows.some(
          row =>
            row.name === physical ||
            (row.name.length === physical.length &&
              row.name.slice(0, -7) === physical.slice(0, -7)),
        );
        return known ? [] : [`${resource.type} ${physical}`];
      });
      expect(missing).toEqual([]);
    }, 120_000);
  });
});
