import { Testing } from 'cdk8s';
import { StorageChart } from '../../charts/storage-chart';
import { exampleSpec } from '../util/specs';

describe('StorageChart', () => {
  const objects = Testing.synth(
    new StorageChart(Testing.app(), 'storage', { spec: exampleSpec('prod').spec }),
  );

  it('binds volumes where the pod lands, encrypted, expandable and retained', () => {
    expect(objects).toHaveLength(2);
    for (const storageClass of objects) {
      expect(storageClass).toMatchObject({
        kind: 'StorageClass',
        provisioner: 'ebs.csi.aws.com',
        volumeBindingMode: 'WaitForFirstConsumer',
        allowVolumeExpansion: true,
        reclaimPolicy: 'Retain',
        parameters: { type: 'gp3', encrypted: 'true' },
      });
    }
  });

  it('gives broker volumes the spec IOPS and throughput', () => {
    const broker = objects.find(o => o.metadata.name === 'kafka-broker-gp3');
    expect(broker.parameters).toMatchObject({ iops: '3000', throughput: '250' });
  });

  it('matches the snapshot', () => {
    expect(objects).toMatchSnapshot();
  });
});
