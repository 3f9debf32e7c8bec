/**
 * Default-deny network policies, with the needed allows, in the operator, Drain Cleaner,
 * descheduler and controller namespaces. Kafka's own listeners are limited by Strimzi's generated
 * policies (`networkPolicyPeers` in the Kafka chart).
 */
import { Chart, type ChartProps } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import type { Construct } from 'constructs';
import type { PlatformPlan } from '../spec/derive';
import type { PlatformSpec } from '../spec/schema';
import { DESCHEDULER_SECURE_PORT } from './descheduler/workload';
import { DRAIN_CLEANER_HTTP_PORT, DRAIN_CLEANER_HTTPS_PORT } from './drain-cleaner/workload';
import {
  allowApiServer,
  allowAwsApis,
  allowDns,
  allowEgressTo,
  allowScrape,
  allowWebhook,
  defaultDeny,
  type NamespacePolicy,
} from './network-policies/policies';

/** Strimzi's operator talks to the brokers' and controllers' internal ports and agents. */
const STRIMZI_INTERNAL_PORTS = [8443, 9090, 9091];
const OPERATOR_METRICS_PORT = 8080;
const CONTROLLER_HTTP_PORT = 8080;
const PROMETHEUS_PORT = 9090;

export interface NetworkPoliciesChartProps extends ChartProps {
  /** The validated platform spec. */
  readonly spec: PlatformSpec;
  /** Numbers derived from the spec. */
  readonly plan: PlatformPlan;
}

/** Every policy, per namespace; plain data for tests. */
export function platformNetworkPolicies(spec: PlatformSpec, plan: PlatformPlan): NamespacePolicy[] {
  const vpc = spec.cluster.vpcCidr;
  const monitoring = spec.monitoring.namespace;
  const base = (namespace: string): NamespacePolicy[] => [
    defaultDeny(namespace),
    allowDns(namespace),
    allowApiServer(namespace, vpc),
  ];
  const strimzi = spec.operators.strimziNamespace;
  const drainCleaner = spec.drainCleaner.namespace;
  const policies: NamespacePolicy[] = [
    ...base(strimzi),
    allowEgressTo('allow-kafka', strimzi, spec.kafka.namespace, STRIMZI_INTERNAL_PORTS),
    allowScrape(strimzi, monitoring, [OPERATOR_METRICS_PORT]),
    ...base(drainCleaner),
    allowWebhook(drainCleaner, vpc, DRAIN_CLEANER_HTTPS_PORT),
    allowScrape(drainCleaner, monitoring, [DRAIN_CLEANER_HTTP_PORT]),
  ];
  if (plan.deschedulerEnabled) {
    const descheduler = spec.descheduler.namespace;
    policies.push(
      ...base(descheduler),
      allowScrape(descheduler, monitoring, [DESCHEDULER_SECURE_PORT]),
    );
  }
  if (spec.autoscaling.mode === 'controller') {
    const controller = spec.controller.namespace;
    policies.push(
      ...base(controller),
      allowAwsApis(controller),
      allowEgressTo('allow-prometheus', controller, monitoring, [PROMETHEUS_PORT]),
      allowScrape(controller, monitoring, [CONTROLLER_HTTP_PORT]),
    );
  }
  return policies;
}

export class NetworkPoliciesChart extends Chart {
  public constructor(scope: Construct, id: string, props: NetworkPoliciesChartProps) {
    super(scope, id, props);
    for (const policy of platformNetworkPolicies(props.spec, props.plan)) {
      new k8s.KubeNetworkPolicy(this, `${policy.namespace}-${policy.name}`, {
        metadata: { name: policy.name, namespace: policy.namespace },
        spec: policy.spec,
      });
    }
  }
}
