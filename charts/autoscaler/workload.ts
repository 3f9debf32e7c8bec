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

/** Replicas on different hosts (hard, honouring taints), and preferably different zones. */
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
    template: {
      metadata: {
        labels: autoscalerSelectorLabels(),
        annotations: { 'checksum/config': checksum },
      },
      spec: {
        serviceAccountName: AUTOSCALER_NAME,
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
