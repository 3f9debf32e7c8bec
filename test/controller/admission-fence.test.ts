/**
 * The admission fence's pure parts (controller/admission-fence.ts): the stamp added to a JSON
 * Patch (a property over the patches the adapter builds, applied with cdk8s's RFC 6902
 * implementation) and the policy and binding manifests. The policy on a real API server: the
 * cluster tier, test/cluster/admission-fence-scenarios.ts.
 */
import { JsonPatch } from 'cdk8s';
import fc from 'fast-check';
import {
  FENCE_HOLDER_ANNOTATION,
  FENCE_TOKEN_ANNOTATION,
  admissionFencePolicy,
  fenceStamp,
  serviceAccountUsername,
  withStampOps,
  type JsonPatchOperation,
} from '../../controller/admission-fence';

type Doc = { metadata: { annotations?: Record<string, string> }; spec?: unknown };

const toCdk8s = (op: JsonPatchOperation): JsonPatch => {
  switch (op.op) {
    case 'add':
      return JsonPatch.add(op.path, op.value);
    case 'replace':
      return JsonPatch.replace(op.path, op.value);
    case 'remove':
      return JsonPatch.remove(op.path);
    case 'test':
      return JsonPatch.test(op.path, op.value);
  }
};

const apply = (doc: Doc, ops: readonly JsonPatchOperation[]): Doc =>
  JsonPatch.apply(structuredClone(doc), ...ops.map(toCdk8s)) as Doc;

const escape = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');
const key = fc.constantFrom('a', 'kafka.platform/x', 'strimzi.io/manual-rolling-update', 'k~1');

/**
 * The patches the adapter builds (`writeOperation`, `setUnschedulable`, `requestRoll`): per key,
 * add it to the existing map, remove it when present, or (no map yet) add the whole map first.
 */
const scenario = fc
  .record({
    annotations: fc.option(fc.dictionary(key, fc.string()), { nil: undefined }),
    wanted: fc.array(fc.tuple(key, fc.option(fc.string(), { nil: undefined })), {
      maxLength: 4,
    }),
    identity: fc.string({ minLength: 1 }),
    token: fc.nat(),
  })
  .map(({ annotations, wanted, identity, token }) => {
    const ops: JsonPatchOperation[] = [{ op: 'add', path: '/spec', value: { x: 1 } }];
    const added: Record<string, string> = {};
    for (const [name, value] of wanted) {
      const path = `/metadata/annotations/${escape(name)}`;
      if (value === undefined) {
        if (annotations?.[name] !== undefined && !(name in added)) ops.push({ op: 'remove', path });
      } else if (annotations === undefined) added[name] = value;
      else ops.push({ op: 'add', path, value });
    }
    if (Object.keys(added).length > 0) {
      ops.unshift({ op: 'add', path: '/metadata/annotations', value: added });
    }
    const doc: Doc = { metadata: annotations === undefined ? {} : { annotations } };
    return { doc, ops, stamp: fenceStamp(identity, token), identity, token };
  });

describe('withStampOps', () => {
  it('leaves the patch doing what it did and adds the stamp, whatever annotations the object had', () => {
    fc.assert(
      fc.property(scenario, ({ doc, ops, stamp, identity, token }) => {
        const without = apply(doc, ops);
        const withStamp = apply(
          doc,
          withStampOps(ops, doc.metadata.annotations !== undefined, stamp),
        );
        // THEN the stamp is there, and everything else is as the patch alone left it
        expect(withStamp.metadata.annotations?.[FENCE_HOLDER_ANNOTATION]).toBe(identity);
        expect(withStamp.metadata.annotations?.[FENCE_TOKEN_ANNOTATION]).toBe(String(token));
        const rest = { ...withStamp.metadata.annotations };
        delete rest[FENCE_HOLDER_ANNOTATION];
        delete rest[FENCE_TOKEN_ANNOTATION];
        const expected = { ...without.metadata.annotations };
        delete expected[FENCE_HOLDER_ANNOTATION];
        delete expected[FENCE_TOKEN_ANNOTATION];
        expect(rest).toEqual(expected);
        expect(withStamp.spec).toEqual(without.spec);
      }),
      { numRuns: 300 },
    );
  });

  it('a stamp overwrites the stamp of an earlier writer (another identity or token)', () => {
    const doc: Doc = { metadata: { annotations: fenceStamp('replica-a', 0) } };
    const patched = apply(doc, withStampOps([], true, fenceStamp('replica-b', 1)));
    expect(patched.metadata.annotations).toEqual(fenceStamp('replica-b', 1));
  });

  it('an empty stamp leaves the patch unchanged', () => {
    const ops: JsonPatchOperation[] = [{ op: 'add', path: '/data', value: {} }];
    expect(withStampOps(ops, false, {})).toEqual(ops);
  });

  it('the stamp is small: two annotations, the identity and a decimal token', () => {
    expect(fenceStamp('kafka-autoscaler-7d9f8-abcde', 12)).toEqual({
      'kafka.platform/autoscaler-holder': 'kafka-autoscaler-7d9f8-abcde',
      'kafka.platform/autoscaler-fencing-token': '12',
    });
  });
});

describe('admissionFencePolicy', () => {
  const target = {
    name: 'p-kafka-autoscaler-fence',
    serviceAccount: { name: 'kafka-autoscaler', namespace: 'ns' },
    lease: { name: 'p-lease', namespace: 'ns' },
    resources: [
      { group: '', resource: 'nodes' },
      { group: '', resource: 'events' },
      { group: 'events.k8s.io', resource: 'events' },
      { group: 'coordination.k8s.io', resource: 'leases' },
    ],
  };
  const { policy, binding } = admissionFencePolicy(target);
  const spec = policy.spec as {
    paramKind: unknown;
    failurePolicy: string;
    matchConstraints: { resourceRules: Array<{ apiGroups: string[]; resources: string[] }> };
    matchConditions: Array<{ name: string; expression: string }>;
    validations: Array<{ expression: string; reason: string }>;
  };

  it('takes the Lease as parameter, by name and namespace; Deny action; Allow when missing', () => {
    expect(policy.apiVersion).toBe('admissionregistration.k8s.io/v1');
    expect(spec.paramKind).toEqual({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease' });
    // Ignore: a failure of the policy machinery (the Lease not yet synced after an API server
    // start) must not refuse every matched write of every user; the expressions never fail.
    expect(spec.failurePolicy).toBe('Ignore');
    expect(binding).toMatchObject({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      spec: {
        policyName: 'p-kafka-autoscaler-fence',
        paramRef: { name: 'p-lease', namespace: 'ns', parameterNotFoundAction: 'Allow' },
        validationActions: ['Deny'],
      },
    });
  });

  it('matches the given resources but never Leases, and only the ServiceAccount', () => {
    expect(spec.matchConstraints.resourceRules.map(r => [r.apiGroups, r.resources])).toEqual([
      [[''], ['events', 'nodes']],
      [['events.k8s.io'], ['events']],
    ]);
    expect(spec.matchConditions[0].expression).toBe(
      `request.userInfo.username == "${serviceAccountUsername(target.serviceAccount)}"`,
    );
    expect(serviceAccountUsername(target.serviceAccount)).toBe(
      'system:serviceaccount:ns:kafka-autoscaler',
    );
    expect(spec.matchConditions[1].expression).toContain('request.name == "p-lease"');
    for (const validation of spec.validations) expect(validation.reason).toBe('Forbidden');
  });

  it('refuses a target with nothing but Leases to fence, naming the field', () => {
    expect(() =>
      admissionFencePolicy({
        ...target,
        resources: [{ group: 'coordination.k8s.io', resource: 'leases' }],
      }),
    ).toThrow(/no resource to fence .*resources/);
  });
});
