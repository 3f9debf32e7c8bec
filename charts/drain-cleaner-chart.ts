/** Strimzi Drain Cleaner: turns node drains into Strimzi-managed, in-sync-aware broker moves. */
import { ApiObject, Chart, type ChartProps } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import type { Construct } from 'constructs';
import type { PlatformSpec } from '../spec/schema';
import { restrictedNamespaceLabels } from './checks/restricted-profile';
import { INSTANCE_LABEL } from './recommended-labels';
import {
  CA_CERTIFICATE_NAME,
  CA_INJECT_ANNOTATION,
  CA_ISSUER_NAME,
  CERT_MANAGER_API_VERSION,
  ROOT_ISSUER_NAME,
  SERVING_CERTIFICATE_NAME,
  caCertificateSpec,
  drainCleanerWebhook,
  servingCertificateSpec,
} from './drain-cleaner/webhook';
import {
  DRAIN_CLEANER_NAME,
  drainCleanerDeploymentSpec,
  drainCleanerKafkaRules,
  drainCleanerSelectorLabels,
  drainCleanerSelfRules,
} from './drain-cleaner/workload';
import { DRAIN_CLEANER_IMAGE } from './operators/versions';
import { grantInNamespace } from './rbac';
import { namespacesWithOperators } from './operators/platform-namespaces';

export interface DrainCleanerChartProps extends ChartProps {
  /** The validated platform spec. */
  readonly spec: PlatformSpec;
}

export class DrainCleanerChart extends Chart {
  /** The Drain Cleaner Deployment. */
  public readonly deployment: k8s.KubeDeployment;

  public constructor(scope: Construct, id: string, props: DrainCleanerChartProps) {
    super(scope, id, props);
    const { spec } = props;
    const namespace = spec.drainCleaner.namespace;
    const serviceAccount = { name: DRAIN_CLEANER_NAME, namespace };

    // With a GitOps engine the operators component emits this namespace
    // (`operators/platform-namespaces.ts`).
    if (!namespacesWithOperators(spec)) {
      new k8s.KubeNamespace(this, 'namespace', {
        metadata: { name: namespace, labels: restrictedNamespaceLabels() },
      });
    }
    new k8s.KubeServiceAccount(this, 'service-account', {
      metadata: { name: DRAIN_CLEANER_NAME, namespace },
    });
    grantInNamespace(this, 'kafka-pods-role', {
      name: DRAIN_CLEANER_NAME,
      namespace: spec.kafka.namespace,
      rules: drainCleanerKafkaRules(),
      serviceAccount,
    });
    grantInNamespace(this, 'self-role', {
      name: DRAIN_CLEANER_NAME,
      namespace,
      rules: drainCleanerSelfRules(),
      serviceAccount,
    });

    new ApiObject(this, 'root-issuer', {
      apiVersion: CERT_MANAGER_API_VERSION,
      kind: 'Issuer',
      metadata: { name: ROOT_ISSUER_NAME, namespace },
      spec: { selfSigned: {} },
    });
    new ApiObject(this, 'ca-certificate', {
      apiVersion: CERT_MANAGER_API_VERSION,
      kind: 'Certificate',
      metadata: { name: CA_CERTIFICATE_NAME, namespace },
      spec: caCertificateSpec(spec.drainCleaner.certificateValidityDays),
    });
    new ApiObject(this, 'ca-issuer', {
      apiVersion: CERT_MANAGER_API_VERSION,
      kind: 'Issuer',
      metadata: { name: CA_ISSUER_NAME, namespace },
      spec: { ca: { secretName: CA_CERTIFICATE_NAME } },
    });
    new ApiObject(this, 'serving-certificate', {
      apiVersion: CERT_MANAGER_API_VERSION,
      kind: 'Certificate',
      metadata: { name: SERVING_CERTIFICATE_NAME, namespace },
      spec: servingCertificateSpec(namespace),
    });

    new k8s.KubeService(this, 'service', {
      metadata: { name: DRAIN_CLEANER_NAME, namespace },
      spec: {
        selector: drainCleanerSelectorLabels(),
        ports: [{ name: 'https', port: 443, targetPort: k8s.IntOrString.fromString('https') }],
      },
    });
    this.deployment = new k8s.KubeDeployment(this, 'deployment', {
      metadata: {
        name: DRAIN_CLEANER_NAME,
        namespace,
        labels: { ...drainCleanerSelectorLabels(), [INSTANCE_LABEL]: DRAIN_CLEANER_NAME },
      },
      spec: drainCleanerDeploymentSpec(spec, spec.drainCleaner.image ?? DRAIN_CLEANER_IMAGE),
    });
    // AlwaysAllow: a replica that is not Ready may always be evicted, so if both replicas are
    // unhealthy the PDB does not block every drain of their nodes (it only protects Ready ones).
    new k8s.KubePodDisruptionBudget(this, 'pdb', {
      metadata: { name: DRAIN_CLEANER_NAME, namespace },
      spec: {
        minAvailable: k8s.IntOrString.fromNumber(1),
        selector: { matchLabels: drainCleanerSelectorLabels() },
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
      },
    });
    new k8s.KubeValidatingWebhookConfiguration(this, 'webhook', {
      metadata: {
        name: `${spec.name}-${DRAIN_CLEANER_NAME}`,
        annotations: { [CA_INJECT_ANNOTATION]: `${namespace}/${SERVING_CERTIFICATE_NAME}` },
      },
      webhooks: [drainCleanerWebhook(namespace, spec.kafka.namespace)],
    });
  }
}
