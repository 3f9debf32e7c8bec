/** The descheduler that re-spreads brokers after a scale-out (target-tracking mode). */
import { Chart, type ChartProps } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import type { Construct } from 'constructs';
import type { PlatformSpec } from '../spec/schema';
import { POLICY_FILE } from './checks/descheduler';
import { restrictedNamespaceLabels } from './checks/restricted-profile';
import { INSTANCE_LABEL } from './recommended-labels';
import { brokerSpreadPolicy, type DeschedulerPolicy } from './descheduler/policy';
import {
  DESCHEDULER_NAME,
  deschedulerClusterRules,
  deschedulerDeploymentSpec,
  deschedulerLeaseRules,
  deschedulerSelectorLabels,
  policyText,
} from './descheduler/workload';
import { DESCHEDULER_IMAGE } from './operators/versions';
import { grantClusterWide, grantInNamespace } from './rbac';
import { namespacesWithOperators } from './operators/platform-namespaces';

export interface DeschedulerChartProps extends ChartProps {
  /** The validated platform spec. */
  readonly spec: PlatformSpec;
  /**
   * A broker younger than this is never evicted, so a moved broker can catch up first.
   * @default '10m'
   */
  readonly minPodAge?: string;
}

export class DeschedulerChart extends Chart {
  /** The policy as rendered into the ConfigMap. */
  public readonly policy: DeschedulerPolicy;

  public constructor(scope: Construct, id: string, props: DeschedulerChartProps) {
    super(scope, id, props);
    const { spec } = props;
    const namespace = spec.descheduler.namespace;
    const serviceAccount = { name: DESCHEDULER_NAME, namespace };
    this.policy = brokerSpreadPolicy({
      clusterName: spec.name,
      kafkaNamespace: spec.kafka.namespace,
      minPodAge: props.minPodAge ?? '10m',
    });

    // With a GitOps engine the operators component emits this namespace
    // (`operators/platform-namespaces.ts`).
    if (!namespacesWithOperators(spec)) {
      new k8s.KubeNamespace(this, 'namespace', {
        metadata: { name: namespace, labels: restrictedNamespaceLabels() },
      });
    }
    new k8s.KubeServiceAccount(this, 'service-account', {
      metadata: { name: DESCHEDULER_NAME, namespace },
      automountServiceAccountToken: true,
    });
    grantClusterWide(this, 'cluster-role', {
      name: `${spec.name}-${DESCHEDULER_NAME}`,
      rules: deschedulerClusterRules(),
      serviceAccount,
    });
    grantInNamespace(this, 'lease-role', {
      name: `${DESCHEDULER_NAME}-leader-election`,
      namespace,
      rules: deschedulerLeaseRules(),
      serviceAccount,
    });
    new k8s.KubeConfigMap(this, 'policy', {
      metadata: { name: DESCHEDULER_NAME, namespace },
      data: { [POLICY_FILE]: policyText(this.policy) },
    });
    new k8s.KubeDeployment(this, 'deployment', {
      metadata: {
        name: DESCHEDULER_NAME,
        namespace,
        labels: { ...deschedulerSelectorLabels(), [INSTANCE_LABEL]: DESCHEDULER_NAME },
      },
      spec: deschedulerDeploymentSpec({
        namespace,
        image: spec.descheduler.image ?? DESCHEDULER_IMAGE,
        intervalSeconds: spec.descheduler.intervalSeconds,
        policy: this.policy,
      }),
    });
  }
}
