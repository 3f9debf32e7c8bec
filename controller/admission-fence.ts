/**
 * Fencing checked by the API server itself, as it admits each write (docs/controller.md, "A paused
 * leader"). The client-side fence (`fence.ts`) stops a write before it is sent; nothing on the
 * client can stop a request already on its way when the process pauses mid-send. So every write
 * the Kubernetes adapter makes carries the writer's identity and fencing token as two annotations
 * (`fenceStamp`), and a ValidatingAdmissionPolicy whose parameter is the controller's Lease
 * (`admissionFencePolicy`) refuses a write of the controller's ServiceAccount whose stamp differs
 * from the Lease's `spec.holderIdentity` and `spec.leaseTransitions` (the fencing token, see
 * `leader-election.ts`). The Lease's own writes are left out, so a new leader can always take it.
 *
 * Sources: admissionregistration.k8s.io/v1 ValidatingAdmissionPolicy and its Binding (GA in
 * Kubernetes 1.30: `paramKind`, `paramRef.parameterNotFoundAction`, `matchConditions`,
 * `validationActions`, CEL variables `object`, `params`, `request`). The API server reads the
 * parameter from its own watch cache, so a takeover is seen by the policy a watch delay later:
 * the window shrinks to that delay, it does not close.
 *
 * No Kubernetes client import here: the chart (`charts/autoscaler-chart.ts`) renders the policy
 * from the same constants the adapter stamps with, and the adapter recognises the policy's
 * refusals by the same name (`admissionFenceName`, `isAdmissionFenceRefusal`).
 */
import { isDeepStrictEqual } from 'node:util';
import { apiFaultOf } from './api-fault';

/**
 * Name of the cluster-scoped ValidatingAdmissionPolicy and of its binding:
 * `<platform name>-kafka-autoscaler-fence` (the controller's `clusterName` is the platform's
 * name, so the controller derives the same name the chart renders).
 */
export function admissionFenceName(platformName: string): string {
  return `${platformName}-kafka-autoscaler-fence`;
}

/**
 * Whether `error` (as `@kubernetes/client-node` throws it: `code` the HTTP status, `body` the
 * Status object as text or parsed, `message`) is the admission fence refusing a write: status 403
 * (the policy's `Forbidden`) or 422 (the API server's own answer for a binding whose parameter
 * lookup failed under a `Deny` action), and a message or body naming the policy or binding
 * `fenceName` in quotes, as kube-apiserver writes it (`ValidatingAdmissionPolicy '<name>' with
 * binding '<name>' denied request: ...`). Quoted, so the fence of a platform whose name ends the
 * same way (`b-a-...` beside `a-...`) is not taken for this one's. Any other error, a 403 of RBAC
 * or a 422 of a failed JSON Patch `test` included, is not. Never throws.
 */
export function isAdmissionFenceRefusal(error: unknown, fenceName: string): boolean {
  const status = apiFaultOf(error).status;
  if (status !== 403 && status !== 422) return false;
  if (error === null || typeof error !== 'object') return false;
  const { message, body } = error as { message?: unknown; body?: unknown };
  const texts = [message, body].map(text => {
    if (typeof text === 'string') return text;
    try {
      return JSON.stringify(text) ?? '';
    } catch {
      return ''; // a body that is no JSON value (circular): nothing to read
    }
  });
  const quoted = `'${fenceName}'`;
  return texts.some(text => text.includes(quoted));
}

/** Annotation carrying the writer's identity (the Lease `spec.holderIdentity` it holds). */
export const FENCE_HOLDER_ANNOTATION = 'kafka.platform/autoscaler-holder';

/**
 * Annotation carrying the writer's fencing token, in decimal: the Lease `spec.leaseTransitions`
 * when it took the Lease (`Leadership.fencingToken`).
 */
export const FENCE_TOKEN_ANNOTATION = 'kafka.platform/autoscaler-fencing-token';

/** The two stamp annotations of a write by `identity` holding the Lease with `fencingToken`. */
export function fenceStamp(identity: string, fencingToken: number): Record<string, string> {
  return {
    [FENCE_HOLDER_ANNOTATION]: identity,
    [FENCE_TOKEN_ANNOTATION]: String(fencingToken),
  };
}

/** One RFC 6902 JSON Patch operation. */
export interface JsonPatchOperation {
  readonly op: 'test' | 'add' | 'replace' | 'remove';
  readonly path: string;
  readonly value?: unknown;
}

const ANNOTATIONS_PATH = '/metadata/annotations';
const escapePointer = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * `ops` followed by the operations that set `stamp`'s annotations, for an object whose
 * `metadata.annotations` existed (`hadAnnotations`) when `ops` were built. After `ops` the object
 * has an annotations map when it had one or when an op adds `/metadata/annotations` (and none
 * removes it): then each key is added on its own (other annotations untouched); otherwise the map
 * is added holding just the stamp. An empty `stamp` returns `ops` unchanged.
 */
export function withStampOps(
  ops: readonly JsonPatchOperation[],
  hadAnnotations: boolean,
  stamp: Readonly<Record<string, string>>,
): JsonPatchOperation[] {
  const keys = Object.keys(stamp);
  if (keys.length === 0) return [...ops];
  let hasMap = hadAnnotations;
  for (const op of ops) {
    if (op.path !== ANNOTATIONS_PATH) continue;
    if (op.op === 'add' || op.op === 'replace') hasMap = true;
    if (op.op === 'remove') hasMap = false;
  }
  if (!hasMap) return [...ops, { op: 'add', path: ANNOTATIONS_PATH, value: { ...stamp } }];
  return [
    ...ops,
    ...keys.map(key => ({
      op: 'add' as const,
      path: `${ANNOTATIONS_PATH}/${escapePointer(key)}`,
      value: stamp[key],
    })),
  ];
}

/** The value at JSON Pointer `path` (RFC 6901) in `object`, and whether it exists there. */
function pointerValue(object: unknown, path: string): { found: boolean; value?: unknown } {
  if (path === '') return { found: true, value: object };
  let current: unknown = object;
  for (const raw of path.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, key)) {
      return { found: false };
    }
    current = (current as Record<string, unknown>)[key];
  }
  return { found: true, value: current };
}

/**
 * `value` as the JSON it is sent or stored as: plain objects and arrays (a client library's
 * model classes and their prototypes dropped, undefined members left out, key order ignored by
 * the comparison).
 */
function asJson(value: unknown): unknown {
  return value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as unknown);
}

/**
 * Whether the JSON Patch `ops` would leave `object` exactly as it is and be accepted: every
 * operation is a `test` that holds on `object`, or an `add`/`replace` of a member that already
 * holds an equal value (deep equality of the values as JSON, so a client library's model objects
 * compare by content). A `remove` is always a change (the adapter removes only what exists). A
 * `test` that does not hold makes the answer false: the API server would refuse the patch (RFC
 * 6902 section 4.6; Kubernetes answers 422), and that refusal must reach the caller rather than be
 * skipped as a write that changes nothing. For patches whose paths name object members, as every
 * patch of the Kubernetes adapter does (an array index or `-` would insert, which this does not
 * model).
 */
export function patchChangesNothing(object: unknown, ops: readonly JsonPatchOperation[]): boolean {
  return ops.every(op => {
    if (op.op === 'remove') return false;
    const at = pointerValue(object, op.path);
    return at.found && isDeepStrictEqual(asJson(at.value), asJson(op.value));
  });
}

/**
 * The body of a JSON Patch write to `object` (as freshly read): `ops` followed by the stamp
 * (`withStampOps`), or undefined when `ops` change nothing (`patchChangesNothing`): a write whose
 * only change would be the stamp is not to be sent at all. Such a write changes nothing the
 * controller means to change, yet would bump the object's resourceVersion (and fail the next
 * guarded write of a view taken before it), and it goes through admission like any write: on an
 * object without the current leader's stamp it is one more request the fence has to judge.
 */
export function stampedPatch(
  object: { readonly metadata?: { readonly annotations?: unknown } } | undefined,
  ops: readonly JsonPatchOperation[],
  stamp: Readonly<Record<string, string>>,
): JsonPatchOperation[] | undefined {
  if (patchChangesNothing(object, ops)) return undefined;
  return withStampOps(ops, object?.metadata?.annotations !== undefined, stamp);
}

/** Where the admission fence looks: the controller's ServiceAccount and Lease. */
export interface AdmissionFenceTarget {
  /** Name of the cluster-scoped policy and binding (the chart uses `<spec name>-kafka-autoscaler-fence`). */
  readonly name: string;
  /** The controller's ServiceAccount. */
  readonly serviceAccount: { readonly name: string; readonly namespace: string };
  /** The controller's leader Lease (`leaderElection.namespace`/`leaseName`). */
  readonly lease: { readonly name: string; readonly namespace: string };
  /**
   * The resources the controller may write (API group, `''` for core, and plural resource): the
   * chart passes those its RBAC grants a write verb on (`controllerWrittenResources`). Leases are
   * dropped: the Lease is how leadership is won and must never be fenced. Must not be empty.
   */
  readonly resources: ReadonlyArray<{ readonly group: string; readonly resource: string }>;
  /**
   * The namespaces whose namespaced objects the controller writes (its own and Kafka's). The
   * policy matches namespaced requests only there (`namespaceSelector` on
   * `kubernetes.io/metadata.name`; cluster-scoped Nodes are matched whatever it says), so the
   * Lease lookup the API server makes before `matchConditions` touches no other namespace's
   * writes. @default - every namespace
   */
  readonly namespaces?: readonly string[] | undefined;
}

/** The username the API server gives a ServiceAccount's token: `system:serviceaccount:<ns>:<name>`. */
export function serviceAccountUsername(serviceAccount: AdmissionFenceTarget['serviceAccount']) {
  return `system:serviceaccount:${serviceAccount.namespace}:${serviceAccount.name}`;
}

/** A CEL string literal (double-quoted, backslashes and quotes escaped). */
function celString(value: string): string {
  return JSON.stringify(value);
}

/**
 * The ValidatingAdmissionPolicy and ValidatingAdmissionPolicyBinding (admissionregistration.k8s.io/v1,
 * Kubernetes 1.30 or later) of the admission fence, as plain manifests.
 *
 * Matched (`matchConstraints`): create, update and delete of `target.resources` (the resources the
 * controller's RBAC lets it write, the Lease left out), any version, namespaced or not. Of those,
 * only the controller's ServiceAccount's requests are judged (`matchConditions` on
 * `request.userInfo.username`), and never its own Lease's (by group, resource, namespace and
 * name). Other users' requests are never evaluated, so no expression error can refuse them.
 * Validations, in order:
 * - a delete is refused: a delete request has no object to stamp, and the controller never deletes
 *   (its RBAC has no delete verb either);
 * - the written object must carry both stamp annotations, equal to the Lease's
 *   `spec.holderIdentity` and `spec.leaseTransitions` (absent counts as 0, as the controller reads
 *   it). Missing `metadata`, annotations, keys or Lease fields all evaluate to a refusal, never to
 *   an expression error.
 * Refusals answer 403 Forbidden (reason `Forbidden`), so they are not mistaken for the 422 of a
 * failed JSON Patch `test`. `failurePolicy: Ignore`: the expressions never fail by design (the
 * cases above), so what Ignore lets through is a failure of the policy machinery itself, such as
 * the Lease parameter not yet synced in an API server that just started (kubernetes/kubernetes
 * #141367 shows that refusal for a CRD parameter). The API server looks the parameter up before it
 * evaluates `matchConditions`, so under `Fail` that failure would refuse every matched write of
 * every user (Node writes cluster-wide); under Ignore the fence falls back, for that moment, to the
 * controller's own client-side fence. The binding takes the Lease as parameter (`paramRef` by name and
 * namespace) with `validationActions: [Deny]`.
 *
 * `parameterNotFoundAction: Allow`, not `Deny`: the API server looks the parameter up before it
 * evaluates `matchConditions` (seen on kube-apiserver 1.34: with `Deny`, the controller's own
 * Lease create and every other user's write of a matched resource were refused with 422 "no params
 * found" while the Lease did not exist: test/cluster/admission-fence-scenarios.ts). `Deny` would
 * thus block every Node, Pod, Event and ConfigMap write in the cluster whenever the Lease is
 * missing (before the controller's first start, after someone deletes it). With `Allow`, a missing
 * Lease turns the fence off; a controller replica writes only while it holds the Lease (the
 * client-side fence), so what stays open is a paused leader's write after someone deleted the Lease.
 * @throws Error when `target.resources` holds nothing but Leases.
 */
export function admissionFencePolicy(target: AdmissionFenceTarget): {
  readonly policy: Record<string, unknown>;
  readonly binding: Record<string, unknown>;
} {
  const byGroup = new Map<string, Set<string>>();
  for (const { group, resource } of target.resources) {
    if (group === 'coordination.k8s.io' && resource === 'leases') continue;
    byGroup.set(group, (byGroup.get(group) ?? new Set()).add(resource));
  }
  if (byGroup.size === 0) {
    throw new Error(
      `admission fence ${target.name}: no resource to fence (resources: ${JSON.stringify(target.resources)}); pass the resources the controller writes`,
    );
  }
  const resourceRules = [...byGroup.keys()].sort().map(group => ({
    apiGroups: [group],
    apiVersions: ['*'],
    operations: ['CREATE', 'UPDATE', 'DELETE'],
    resources: [...(byGroup.get(group) ?? [])].sort(),
    scope: '*',
  }));
  const username = serviceAccountUsername(target.serviceAccount);
  const holder = celString(FENCE_HOLDER_ANNOTATION);
  const token = celString(FENCE_TOKEN_ANNOTATION);
  const ownLease =
    `request.resource.group == "coordination.k8s.io" && request.resource.resource == "leases" && ` +
    `request.namespace == ${celString(target.lease.namespace)} && ` +
    `request.name == ${celString(target.lease.name)}`;
  const policy = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicy',
    metadata: { name: target.name },
    spec: {
      failurePolicy: 'Ignore',
      paramKind: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease' },
      matchConstraints: {
        resourceRules,
        ...(target.namespaces === undefined || target.namespaces.length === 0
          ? {}
          : {
              namespaceSelector: {
                matchExpressions: [
                  {
                    key: 'kubernetes.io/metadata.name',
                    operator: 'In',
                    values: [...new Set(target.namespaces)].sort(),
                  },
                ],
              },
            }),
      },
      matchConditions: [
        {
          name: 'controller-service-account',
          expression: `request.userInfo.username == ${celString(username)}`,
        },
        { name: 'not-the-leader-lease', expression: `!(${ownLease})` },
      ],
      variables: [
        {
          name: 'stamp',
          expression:
            'object != null && has(object.metadata) && has(object.metadata.annotations) ? ' +
            `{"holder": ${holder} in object.metadata.annotations ? object.metadata.annotations[${holder}] : "", ` +
            `"token": ${token} in object.metadata.annotations ? object.metadata.annotations[${token}] : ""} : ` +
            '{"holder": "", "token": ""}',
        },
        {
          name: 'leaseHolder',
          expression:
            'has(params.spec) && has(params.spec.holderIdentity) ? params.spec.holderIdentity : ""',
        },
        {
          name: 'leaseToken',
          expression:
            'has(params.spec) && has(params.spec.leaseTransitions) ? string(params.spec.leaseTransitions) : "0"',
        },
      ],
      validations: [
        {
          expression: 'request.operation != "DELETE"',
          reason: 'Forbidden',
          message:
            'the autoscaling controller never deletes; a delete by its ServiceAccount is refused (admission fence)',
        },
        {
          expression:
            'variables.stamp.holder != "" && variables.stamp.holder == variables.leaseHolder && ' +
            'variables.stamp.token == variables.leaseToken',
          reason: 'Forbidden',
          messageExpression:
            `"admission fence: write stamped holder=\\"" + variables.stamp.holder + "\\" token=\\"" + variables.stamp.token + ` +
            `"\\" but the Lease ${target.lease.namespace}/${target.lease.name} names holder=\\"" + variables.leaseHolder + ` +
            `"\\" token=\\"" + variables.leaseToken + "\\"; a replica that lost the Lease may not write"`,
        },
      ],
    },
  };
  const binding = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata: { name: target.name },
    spec: {
      policyName: target.name,
      paramRef: {
        name: target.lease.name,
        namespace: target.lease.namespace,
        parameterNotFoundAction: 'Allow',
      },
      validationActions: ['Deny'],
    },
  };
  return { policy, binding };
}
