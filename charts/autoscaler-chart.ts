/** The Kafka-aware autoscaling controller: namespace, identity, RBAC, configuration, Deployment. */
import { ApiObject, Chart, type ApiObjectProps, type ChartProps } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import type { Construct } from 'constructs';
import {
  admissionFenceName as fenceNameOf,
  admissionFencePolicy,
} from '../controller/admission-fence';
import { controllerConfigFromSpec } from '../controller/config';
import { decisionConfigMapName } from '../controller/decision-record';
import { forecastMarkerConfigMapName } from '../controller/forecast-marker';
import type { LoadedSpec } from '../spec/load';
import {
  controllerClusterRules,
  controllerKafkaNamespaceRules,
  controllerOwnNamespaceRules,
  controllerWrittenResources,
} from './autoscaler/rbac';
import {
  AUTOSCALER_NAME,
  CONFIG_FILE_NAME,
  autoscalerDeploymentSpec,
  autoscalerSelectorLabels,
  configJson,
  serviceAccountAnnotations,
} from './autoscaler/workload';
import { restrictedNamespaceLabels } from './checks/restricted-profile';
import { INSTANCE_LABEL } from './recommended-labels';
import { grantClusterWide, grantInNamespace } from './rbac';
import {
  PROMETHEUS_OPERATOR_API_VERSION,
  PROMETHEUS_RELEASE_LABEL,
  podMonitorSpec,
} from './monitoring/pod-monitors';
import { namespacesWithOperators } from './operators/platform-namespaces';

/**
 * Name of the cluster-scoped ValidatingAdmissionPolicy and its binding of the admission fence:
 * `<spec name>-kafka-autoscaler-fence` (cluster-scoped, so the platform's name keeps two platforms
 * of one cluster apart, as the ClusterRole's does). Defined beside the policy
 * (`controller/admission-fence.ts`), where the controller reads it to recognise the fence's
 * refusals.
 */
export function admissionFenceName(platformName: string): string {
  return fenceNameOf(platformName);
}

export interface AutoscalerChartProps extends ChartProps {
  /** The validated spec and its derived plan. */
  readonly loaded: LoadedSpec;
}

export class AutoscalerChart extends Chart {
  /** The controller Deployment. */
  public readonly deployment: k8s.KubeDeployment;

  public constructor(scope: Construct, id: string, props: AutoscalerChartProps) {
    super(scope, id, props);
    const { spec } = props.loaded;
    const config = controllerConfigFromSpec(props.loaded);
    const namespace = spec.controller.namespace;
    const serviceAccount = { name: AUTOSCALER_NAME, namespace };

    // With a GitOps engine the operators component emits this namespace
    // (`operators/platform-namespaces.ts`).
    if (!namespacesWithOperators(spec)) {
      new k8s.KubeNamespace(this, 'namespace', {
        metadata: { name: namespace, labels: restrictedNamespaceLabels() },
      });
    }
    new k8s.KubeServiceAccount(this, 'service-account', {
      metadata: { name: AUTOSCALER_NAME, namespace, annotations: serviceAccountAnnotations(spec) },
    });
    grantClusterWide(this, 'cluster-role', {
      name: `${spec.name}-${AUTOSCALER_NAME}`,
      rules: controllerClusterRules(),
      serviceAccount,
    });
    grantInNamespace(this, 'kafka-role', {
      name: AUTOSCALER_NAME,
      namespace: spec.kafka.namespace,
      rules: controllerKafkaNamespaceRules(),
      serviceAccount,
    });
    grantInNamespace(this, 'own-role', {
      name: AUTOSCALER_NAME,
      namespace,
      rules: controllerOwnNamespaceRules(
        config.leaderElection.leaseName,
        decisionConfigMapName(config.clusterName),
        forecastMarkerConfigMapName(config.clusterName),
      ),
      serviceAccount,
    });
    // The admission fence (docs/controller.md, "A paused leader"): the API server refuses a write
    // of the controller's ServiceAccount whose stamp is not the Lease's holder and transitions.
    if (spec.controller.admissionFence) {
      const { policy, binding } = admissionFencePolicy({
        name: admissionFenceName(spec.name),
        serviceAccount,
        lease: {
          name: config.leaderElection.leaseName,
          namespace: config.leaderElection.namespace,
        },
        resources: controllerWrittenResources(),
        namespaces: [namespace, config.kafkaNamespace],
      });
      new ApiObject(this, 'admission-fence-policy', policy as unknown as ApiObjectProps);
      new ApiObject(this, 'admission-fence-binding', binding as unknown as ApiObjectProps);
    }
    new k8s.KubeConfigMap(this, 'config', {
      metadata: { name: AUTOSCALER_NAME, namespace },
      data: { [CONFIG_FILE_NAME]: configJson(config) },
    });
    this.deployment = new k8s.KubeDeployment(this, 'deployment', {
      metadata: {
        name: AUTOSCALER_NAME,
        namespace,
        labels: { ...autoscalerSelectorLabels(), [INSTANCE_LABEL]: AUTOSCALER_NAME },
      },
      spec: autoscalerDeploymentSpec(spec, config),
    });
    // maxUnavailable 1: with 2 replicas one stays; with 1 a node drain is never blocked.
    // AlwaysAllow: a replica that is not Ready (crash-looping, or stuck on a bad config) may
    // always be evicted, so two unhealthy replicas never block the drain of their nodes.
    new k8s.KubePodDisruptionBudget(this, 'pdb', {
      metadata: { name: AUTOSCALER_NAME, namespace },
      spec: {
        maxUnavailable: k8s.IntOrString.fromNumber(1),
        selector: { matchLabels: autoscalerSelectorLabels() },
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
      },
    });
    if (spec.monitoring.enabled) {
      new ApiObject(this, 'pod-monitor', {
        apiVersion: PROMETHEUS_OPERATOR_API_VERSION,
        kind: 'PodMonitor',
        metadata: { name: AUTOSCALER_NAME, namespace, labels: { ...PROMETHEUS_RELEASE_LABEL } },
        spec: podMonitorSpec({
          name: AUTOSCALER_NAME,
          namespace,
          matchLabels: autoscalerSelectorLabels(),
          port: 'http',
          path: '/metrics',
        }),
      });
    }
  }
}
