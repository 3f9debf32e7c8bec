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
  admissionFenceName,
  admissionFencePolicy,
  fenceStamp,
  isAdmissionFenceRefusal,
  serviceAccountUsername,
  stampedPatch,
  withStampOps,
  type JsonPatchOperation,
} from '../../controller/admission-fence';
import { admissionFenceName as chartFenceName } from '../../charts/autoscaler-chart';

type Doc = {
  metadata: { annotations?: Record<string, string>; uid?: string };
  spec?: unknown;
};

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

/**
 * Write shapes over a node-like object: guards (`test` of the UID), `add`/`replace` of the spec's
 * field with the value it has or another, `add` of an annotation key (equal or not, present or
 * not), `add` of the whole annotations map (equal or not), `remove` of a key that is there. One
 * operation per path, so each operation's effect is its own.
 */
const writeShape = fc
  .record({
    annotations: fc.option(fc.dictionary(key, fc.constantFrom('a', 'b', 'true')), {
      nil: undefined,
    }),
    unschedulable: fc.option(fc.boolean(), { nil: undefined }),
    picks: fc.array(
      fc.record({
        kind: fc.constantFrom('spec', 'key', 'map', 'remove'),
        op: fc.constantFrom('add' as const, 'replace' as const),
        key,
        same: fc.boolean(),
        value: fc.constantFrom('a', 'b', 'true'),
        flag: fc.boolean(),
      }),
      { maxLength: 4 },
    ),
    identity: fc.string({ minLength: 1 }),
    token: fc.nat(),
    guardHolds: fc.boolean(),
  })
  .map(({ annotations, unschedulable, picks, identity, token, guardHolds }) => {
    const doc: Doc = {
      metadata: { uid: 'u-1', ...(annotations === undefined ? {} : { annotations }) },
      spec: unschedulable === undefined ? {} : { unschedulable },
    };
    const ops: JsonPatchOperation[] = [
      { op: 'test', path: '/metadata/uid', value: guardHolds ? 'u-1' : 'u-2' },
    ];
    const used = new Set<string>();
    for (const pick of picks) {
      let op: JsonPatchOperation | undefined;
      if (pick.kind === 'spec') {
        const value = pick.same && unschedulable !== undefined ? unschedulable : pick.flag;
        // `replace` needs the member to exist.
        const kind = unschedulable === undefined ? 'add' : pick.op;
        op = { op: kind, path: '/spec/unschedulable', value };
      } else if (pick.kind === 'key' && annotations !== undefined) {
        const value = pick.same ? (annotations[pick.key] ?? pick.value) : pick.value;
        op = { op: 'add', path: `/metadata/annotations/${escape(pick.key)}`, value };
      } else if (pick.kind === 'map') {
        op = {
          op: 'add',
          path: '/metadata/annotations',
          value: pick.same && annotations !== undefined ? { ...annotations } : { x: pick.value },
        };
      } else if (pick.kind === 'remove' && annotations?.[pick.key] !== undefined) {
        op = { op: 'remove', path: `/metadata/annotations/${escape(pick.key)}` };
      }
      // One operation per path, and none under a map another operation replaces.
      const parent = op?.path.startsWith('/metadata/annotations/') ? '/metadata/annotations' : '';
      if (op === undefined || used.has(op.path) || (parent !== '' && used.has(parent))) continue;
      if (op.path === '/metadata/annotations' && [...used].some(p => p.startsWith(op.path)))
        continue;
      used.add(op.path);
      ops.push(op);
    }
    return { doc, ops, stamp: fenceStamp(identity, token) };
  });

describe('stampedPatch: a write that changes nothing but the stamp is not sent', () => {
  it('answers no patch exactly when the operations leave the object as it was; else the stamped one', () => {
    fc.assert(
      fc.property(writeShape, ({ doc, ops, stamp }) => {
        // The oracle: cdk8s's RFC 6902 implementation applies the operations. A guard that does
        // not hold throws there, as the API server refuses the patch: such a write is sent, so
        // the refusal reaches the caller.
        let unchanged: boolean;
        try {
          unchanged = JSON.stringify(sorted(apply(doc, ops))) === JSON.stringify(sorted(doc));
        } catch {
          unchanged = false;
        }
        const body = stampedPatch(doc, ops, stamp);
        if (unchanged) {
          expect(body).toBeUndefined();
        } else {
          expect(body).toEqual(withStampOps(ops, doc.metadata.annotations !== undefined, stamp));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('guards alone (test operations) that hold change nothing; a remove always does', () => {
    const doc: Doc = { metadata: { uid: 'u', annotations: { a: 'x' } } };
    const guards: JsonPatchOperation[] = [{ op: 'test', path: '/metadata/uid', value: 'u' }];
    expect(stampedPatch(doc, guards, fenceStamp('r', 1))).toBeUndefined();
    // A guard that fails (the node was replaced: another UID) is sent, so the server refuses it.
    const failing: JsonPatchOperation[] = [{ op: 'test', path: '/metadata/uid', value: 'old' }];
    expect(stampedPatch(doc, failing, fenceStamp('r', 1))).toEqual(
      withStampOps(failing, true, fenceStamp('r', 1)),
    );
    expect(
      stampedPatch(
        doc,
        [{ op: 'test', path: '/metadata/missing', value: 'u' }],
        fenceStamp('r', 1),
      ),
    ).toBeDefined();
    expect(stampedPatch(doc, [], fenceStamp('r', 1))).toBeUndefined();
    const remove: JsonPatchOperation = { op: 'remove', path: '/metadata/annotations/a' };
    expect(stampedPatch(doc, [...guards, remove], fenceStamp('r', 1))).toEqual(
      withStampOps([...guards, remove], true, fenceStamp('r', 1)),
    );
  });
});

/** `value` with object keys sorted, for comparing JSON documents whatever their key order. */
function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map(k => [k, sorted((value as Record<string, unknown>)[k])]),
  );
}

describe('isAdmissionFenceRefusal', () => {
  const name = admissionFenceName('orders');

  it('the controller and the chart derive the same policy name', () => {
    expect(name).toBe(chartFenceName('orders'));
    expect(name).toBe('orders-kafka-autoscaler-fence');
  });

  it('is a 403/422 naming this fence in quotes, in the message or the body; nothing else', () => {
    const naming = fc.constantFrom(
      'this',
      'unquoted',
      'suffix-sharing platform',
      'another platform',
      'none',
    );
    fc.assert(
      fc.property(
        fc.option(fc.constantFrom(200, 400, 401, 403, 404, 409, 410, 422, 429, 500, 503), {
          nil: undefined,
        }),
        naming,
        fc.constantFrom('message', 'body-text', 'body-object'),
        fc.string(),
        (status, names, where, noise) => {
          const named = {
            this: `ValidatingAdmissionPolicy '${name}' with binding '${name}' denied request: x`,
            unquoted: `the ${name} said no`,
            'suffix-sharing platform': `ValidatingAdmissionPolicy 'big-${name}' with binding 'big-${name}' denied request`,
            'another platform': `ValidatingAdmissionPolicy '${admissionFenceName('other')}' denied request`,
            none: 'User "system:serviceaccount:x:y" cannot patch resource "nodes"',
          }[names];
          const text = `${noise}${named}${noise}`;
          const status404 = { kind: 'Status', code: status, message: text };
          const error = {
            ...(status === undefined ? {} : { code: status }),
            message: where === 'message' ? `HTTP-Code: ${status} Message: ${text}` : 'HTTP error',
            ...(where === 'body-text' ? { body: JSON.stringify(status404) } : {}),
            ...(where === 'body-object' ? { body: status404 } : {}),
          };
          const expected = (status === 403 || status === 422) && names === 'this';
          expect(isAdmissionFenceRefusal(error, name)).toBe(expected);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('never throws, whatever is thrown', () => {
    fc.assert(
      fc.property(fc.anything(), thrown => {
        expect(typeof isAdmissionFenceRefusal(thrown, name)).toBe('boolean');
      }),
    );
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
