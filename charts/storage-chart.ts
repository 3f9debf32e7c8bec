/** The gp3 StorageClasses for broker and controller volumes. */
import { Chart, type ChartProps } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import type { Construct } from 'constructs';
import type { PlatformSpec } from '../spec/schema';
import { BROKER_STORAGE_CLASS, CONTROLLER_STORAGE_CLASS } from './kafka/labels';

export interface StorageChartProps extends ChartProps {
  /** The validated platform spec. */
  readonly spec: PlatformSpec;
}

/** Parameters of an encrypted gp3 class for the EBS CSI driver. */
export function gp3Parameters(iops: number, throughputMiBps: number): Record<string, string> {
  return {
    type: 'gp3',
    iops: String(iops),
    throughput: String(throughputMiBps),
    encrypted: 'true',
    'csi.storage.k8s.io/fstype': 'xfs',
  };
}

/** StorageClass body: bound where the pod lands, expandable, kept when the claim goes. */
export function storageClassProps(parameters: Record<string, string>): k8s.KubeStorageClassProps {
  return {
    provisioner: 'ebs.csi.aws.com',
    parameters,
    volumeBindingMode: 'WaitForFirstConsumer',
    allowVolumeExpansion: true,
    reclaimPolicy: 'Retain',
  };
}

export class StorageChart extends Chart {
  public constructor(scope: Construct, id: string, props: StorageChartProps) {
    super(scope, id, props);
    const { storage } = props.spec.kafka;
    new k8s.KubeStorageClass(this, 'broker', {
      metadata: { name: BROKER_STORAGE_CLASS },
      ...storageClassProps(gp3Parameters(storage.iops, storage.throughputMiBps)),
    });
    new k8s.KubeStorageClass(this, 'controller', {
      metadata: { name: CONTROLLER_STORAGE_CLASS },
      ...storageClassProps(gp3Parameters(3000, 125)),
    });
  }
}
