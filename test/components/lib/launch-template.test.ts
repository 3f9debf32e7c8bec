import { amiTypeFor, launchTemplateData } from '../../../components/lib/launch-template';

describe('launchTemplateData', () => {
  const data = launchTemplateData({ rootVolumeGi: 50, detailedMonitoring: true, tags: { a: 'b' } });

  it('requires IMDSv2 with a hop limit of 1', () => {
    expect(data.metadataOptions).toMatchObject({
      httpTokens: 'required',
      httpPutResponseHopLimit: 1,
    });
  });

  it('encrypts the gp3 root volume', () => {
    expect(data.blockDeviceMappings).toEqual([
      {
        deviceName: '/dev/xvda',
        ebs: { encrypted: 'true', volumeSize: 50, volumeType: 'gp3', deleteOnTermination: 'true' },
      },
    ]);
  });

  it('tags instances and volumes', () => {
    expect(data.tagSpecifications.map(t => t.resourceType)).toEqual(['instance', 'volume']);
  });
});

describe('amiTypeFor', () => {
  it.each([
    ['m6i.2xlarge', 'AL2023_x86_64_STANDARD'],
    ['m7g.xlarge', 'AL2023_ARM_64_STANDARD'],
    ['c6gn.large', 'AL2023_ARM_64_STANDARD'],
    ['r6i.large', 'AL2023_x86_64_STANDARD'],
  ])('%s runs %s', (instanceType, expected) => {
    expect(amiTypeFor(instanceType)).toBe(expected);
  });
});
