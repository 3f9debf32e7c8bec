/** The autoscaling controller's Deployment body. Plain functions; the chart assembles. */
import { createHash } from 'node:crypto';
import { k8s } from 'cdk8s-plus-27';
import type { ControllerConfig } from '../../controller/config';
import type { PlatformSpec } from '../../spec/schema';
import { HOSTNAME_LABEL, ZONE_LABEL } from '../kafka/labels';
import {
  restrictedContainerSecurityContext,
  smallWorkloadResources,
  restrictedPodSecurityContext,
} from '../checks/restricted-profile';

export const AUTOSCALER_NAME = 'kafka-autoscaler';
export const CONFIG_FILE_NAME = 'config.json';
export const CONFIG_DIR = '/etc/kafka-autoscaler';
/** Environment variable that tells the controller where its configuration is. */
export const CONFIG_FILE_ENV = 'CONFIG_PATH';
/** IRSA: the IAM role the ServiceAccount's pods assume. */
export const IRSA_ANNOTATION = 'eks.amazonaws.com/role-arn';

export function autoscalerSelectorLabels(): Record<string, string> {
  return { 'app.kubernetes.io/name': AUTOSCALER_NAME };
}

/** The ConfigMap content: the controller configuration as stable, indented JSON. */
export function configJson(config: ControllerConfig): string {
  return `${JSON.stringify(config, null, 2)}\n`;
}

/** ServiceAccount annotations: the IRSA role when given; none for EKS Pod Identity. */
export function serviceAccountAnnotations(spec: PlatformSpec): Record<string, string> | undefined {
  const arn = spec.controller.iamRoleArn;
  return arn === undefined || arn === '' ? undefined : { [IRSA_ANNOTATION]: arn };
}

/**
 * Priority class of the controller's pods. `system-cluster-critical` is one of the two classes
 * every Kubernetes API server creates at start-up (value 2000000000; `system-node-critical` is
 * 1000 higher and meant for per-node agents), usable outside `kube-system` since Kubernetes 1.17.
 * The controller shares the small system nodegroup with CoreDNS and other add-ons at that
 * priority; at the default priority 0 it would be the first pod preempted or evicted under
 * pressure there, and with it every scale-out and scale-in stops. Same class as the Drain
 * Cleaner. No PriorityClass object of our own: nothing to create, own or delete.
 */
export const AUTOSCALER_PRIORITY_CLASS = 'system-cluster-critical';

/**
 * Rolling update: one extra pod first, none taken away (`maxSurge: 1`, `maxUnavailable: 0`). The
 * replicas are leader-elected, so a surge pod only waits as a standby until the old leader's
 * lease ends; the hostname spread (`maxSkew: 1`) leaves room for it on a two-node nodegroup.
 */
export function autoscalerStrategy(): k8s.DeploymentStrategy {
  return {
    type: 'RollingUpdate',
    rollingUpdate: {
      maxSurge: k8s.IntOrString.fromNumber(1),
      maxUnavailable: k8s.IntOrString.fromNumber(0),
    },
  };
}

/**
 * Replicas on different hosts (hard, honouring taints), and preferably different zones. A spread
 * constraint, not required pod anti-affinity: with `maxSkew: 1` a rolling update's surge pod may
 * join a node that already runs a replica when every node has one, where required anti-affinity
 * would leave it Pending on a two-node system nodegroup and stall the rollout.
 */
export function autoscalerSpread(): k8s.TopologySpreadConstraint[] {
  const labelSelector = { matchLabels: autoscalerSelectorLabels() };
  return [
    {
      maxSkew: 1,
      topologyKey: HOSTNAME_LABEL,
      whenUnsatisfiable: 'DoNotSchedule',
      labelSelector,
      nodeAffinityPolicy: 'Honor',
      nodeTaintsPolicy: 'Honor',
    },
    { maxSkew: 1, topologyKey: ZONE_LABEL, whenUnsatisfiable: 'ScheduleAnyway', labelSelector },
  ];
}

export function autoscalerDeploymentSpec(
  spec: PlatformSpec,
  config: ControllerConfig,
): k8s.DeploymentSpec {
  const checksum = createHash('sha256').update(configJson(config)).digest('hex');
  const probe = (path: string, failureThreshold: number): k8s.Probe => ({
    httpGet: { path, port: k8s.IntOrString.fromString('http') },
    initialDelaySeconds: 5,
    periodSeconds: 10,
    timeoutSeconds: 3,
    failureThreshold,
  });
  const memory = k8s.Quantity.fromString(`${spec.controller.memoryMi}Mi`);
  return {
    replicas: spec.controller.replicas,
    selector: { matchLabels: autoscalerSelectorLabels() },
    strategy: autoscalerStrategy(),
    template: {
      metadata: {
        labels: autoscalerSelectorLabels(),
        annotations: { 'checksum/config': checksum },
      },
      spec: {
        serviceAccountName: AUTOSCALER_NAME,
        priorityClassName: AUTOSCALER_PRIORITY_CLASS,
        securityContext: restrictedPodSecurityContext(),
        topologySpreadConstraints: autoscalerSpread(),
        terminationGracePeriodSeconds: 30,
        containers: [
          {
            name: 'controller',
            image: spec.controller.image,
            env: [
              { name: CONFIG_FILE_ENV, value: `${CONFIG_DIR}/${CONFIG_FILE_NAME}` },
              { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
              {
                name: 'POD_NAMESPACE',
                valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } },
              },
              {
                name: 'NODE_OPTIONS',
                value: `--max-old-space-size=${Math.floor(spec.controller.memoryMi * 0.7)}`,
              },
            ],
            ports: [{ name: 'http', containerPort: config.httpPort }],
            livenessProbe: probe('/healthz', 3),
            readinessProbe: probe('/readyz', 1),
            resources: smallWorkloadResources(
              k8s.Quantity.fromString(`${spec.controller.cpuMillis}m`),
              memory,
              memory,
            ),
            securityContext: restrictedContainerSecurityContext(),
            volumeMounts: [
              { name: 'config', mountPath: CONFIG_DIR, readOnly: true },
              { name: 'tmp', mountPath: '/tmp' },
            ],
          },
        ],
        volumes: [
          { name: 'config', configMap: { name: AUTOSCALER_NAME } },
          { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('16Mi') } },
        ],
      },
    },
  };
}
