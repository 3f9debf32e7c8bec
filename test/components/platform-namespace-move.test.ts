/**
 * The namespaces the operator releases write into (the Kafka namespace: Strimzi's chart writes
 * RoleBindings into it) are typed `Namespace` resources under the Platform with `gitops.engine:
 * none`. They used to be children of the `kafka` ConfigGroup; on a stack deployed before, only an
 * alias to that former URN keeps the engine from deleting the old namespace, and the Kafka cluster
 * in it.
 *
 * Run the way a user unit-tests a program: `pulumi.runtime.setMocks` and nothing else (no
 * `runInPulumiStack`). Those mocks report no support for the `transforms` option, so a resource
 * option the plain mocks refuse fails this file. What reaches the engine is read from the
 * RegisterResource requests themselves (aliases, transforms), not from the program's options.
 */
import * as pulumi from '@pulumi/pulumi';
import type { PlatformSpecInput } from '../../spec/schema';
import { kafkaEksPlatformMocks } from '../../api/testing';
import { specInput } from '../util/specs';

const PROJECT = 'namespace-move';
const STACK = 'test';
const NAMESPACE = 'kubernetes:core/v1:Namespace';
const CONFIG_GROUP = 'kubernetes:yaml/v2:ConfigGroup';
const PLATFORM_CHAIN = 'kafka-eks:index:KafkaEksPlatform$kafka-eks:index:Platform';

interface Request {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, unknown>;
  readonly aliasUrns: readonly string[];
  readonly transforms: number;
}

/** The subset of the generated RegisterResourceRequest read here. */
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getAliasesList(): Array<{ getUrn(): string }>;
  getTransformsList(): unknown[];
}

const requests: Request[] = [];
const inputsOf = new Map<string, Record<string, unknown>>();

function urn(chain: string, name: string): string {
  return `urn:pulumi:${STACK}::${PROJECT}::${chain}::${name}`;
}

/** Where a namespace `namespace` of Platform `platform` sat as a ConfigGroup child before. */
function formerUrns(platformChain: string, platform: string, namespace: string): string[] {
  return ['kafka', 'operators'].map(group =>
    urn(`${platformChain}$${CONFIG_GROUP}$${NAMESPACE}`, `${platform}-${group}-${namespace}`),
  );
}

const noneSpec = specInput(3, 2, { name: 'plain' });
const fluxSpec: PlatformSpecInput = specInput(3, 2, {
  name: 'fluxed',
  gitops: { engine: 'flux', repository: { url: 'https://github.com/acme/platform.git' } },
});

beforeAll(async () => {
  await pulumi.runtime.setMocks(
    kafkaEksPlatformMocks(args => {
      inputsOf.set(`${args.type}::${args.name}`, args.inputs as Record<string, unknown>);
    }),
    PROJECT,
    STACK,
    false,
  );
  // Read every RegisterResource request the SDK sends to the mock monitor.
  const monitor = pulumi.runtime.getMonitor() as unknown as {
    registerResource(request: RegisterRequest, callback: unknown): unknown;
  };
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (request, callback) => {
    requests.push({
      type: request.getType(),
      name: request.getName(),
      inputs: {},
      aliasUrns: request.getAliasesList().map(alias => alias.getUrn()),
      transforms: request.getTransformsList().length,
    });
    return register(request, callback);
  };
  const { KafkaEksPlatform } = await import('../../components/kafka-eks-platform');
  new KafkaEksPlatform('plain', { spec: noneSpec });
  new KafkaEksPlatform('moved', {
    spec: { ...noneSpec, name: 'moved' },
    aliasRootResources: true,
  });
  new KafkaEksPlatform('fluxed', { spec: fluxSpec });
  // Every registration settles before the assertions (what a user's test awaits via outputs).
  await pulumi.runtime.disconnect();
}, 120_000);

function registered(type: string, prefix: string): Request[] {
  return requests
    .filter(request => request.type === type && request.name.startsWith(prefix))
    .map(request => ({ ...request, inputs: inputsOf.get(`${type}::${request.name}`) ?? {} }));
}

describe('KafkaEksPlatform under plain setMocks', () => {
  it('registers every resource without a transforms option', () => {
    expect(requests.length).toBeGreaterThan(50);
    expect(requests.filter(request => request.transforms > 0)).toEqual([]);
  });

  it('gitops.engine none: the Kafka namespace is a typed Namespace aliased to its former ConfigGroup child', () => {
    const [namespace, ...others] = registered(NAMESPACE, 'plain-');
    expect(others).toEqual([]);
    expect(namespace?.name).toBe('plain-namespace-kafka');
    expect(namespace?.inputs['metadata']).toEqual(
      expect.objectContaining({ name: 'kafka', labels: expect.any(Object) }),
    );
    // Its URN under the platform as it is now; no alias for the root-level shape (flag off).
    expect([...(namespace?.aliasUrns ?? [])].sort()).toEqual(
      formerUrns(PLATFORM_CHAIN, 'plain', 'kafka').sort(),
    );
  });

  it('with aliasRootResources, also the URN it had under a Platform at the stack root', () => {
    const [namespace] = registered(NAMESPACE, 'moved-');
    expect([...(namespace?.aliasUrns ?? [])].sort()).toEqual(
      [
        ...formerUrns(PLATFORM_CHAIN, 'moved', 'kafka'),
        ...formerUrns('kafka-eks:index:Platform', 'moved', 'kafka'),
      ].sort(),
    );
  });

  it('gitops.engine none: no ConfigGroup holds a Namespace, so the namespace has one owner', () => {
    const groups = registered(CONFIG_GROUP, 'plain-');
    expect(groups.length).toBeGreaterThan(3);
    expect(groups.map(group => group.name)).not.toContain('plain-operators');
    for (const group of groups) {
      const kinds = ((group.inputs['objs'] ?? []) as Array<{ kind: string; metadata: object }>)
        .filter(object => object.kind === 'Namespace')
        .map(object => object.metadata);
      expect(kinds).not.toContainEqual(expect.objectContaining({ name: 'kafka' }));
    }
  });

  it('Flux: Pulumi creates no Namespace and no ConfigGroup (the engine applies operators/)', () => {
    expect(registered(NAMESPACE, 'fluxed-')).toEqual([]);
    expect(registered(CONFIG_GROUP, 'fluxed-')).toEqual([]);
    const releases = registered('kubernetes:helm.sh/v3:Release', 'fluxed-').map(r => r.name);
    expect(releases).not.toContain('fluxed-strimzi-kafka-operator');
  });
});
