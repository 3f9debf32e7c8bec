import { Testing } from 'cdk8s';
import type { JsonObject } from '../../charts/checks/objects';
import { NetworkPoliciesChart } from '../../charts/network-policies-chart';
import { parseSpec } from '../../spec/load';
import { specInput } from '../util/specs';

function synth(overrides: Parameters<typeof specInput>[2] = {}): JsonObject[] {
  const { spec, plan } = parseSpec(specInput(3, 2, overrides));
  return Testing.synth(
    new NetworkPoliciesChart(Testing.app(), 'np', { spec, plan }),
  ) as JsonObject[];
}

function names(objects: JsonObject[], namespace: string): unknown[] {
  return objects.filter(o => o.metadata?.namespace === namespace).map(o => o.metadata?.name);
}

describe('NetworkPoliciesChart', () => {
  test('matches the snapshot', () => {
    expect(synth()).toMatchSnapshot();
  });

  test('default-deny with DNS and API server in every owned namespace', () => {
    const objects = synth({ autoscaling: { mode: 'target-tracking' } });
    for (const namespace of ['strimzi', 'strimzi-drain-cleaner', 'kafka-descheduler']) {
      expect(names(objects, namespace)).toEqual(
        expect.arrayContaining(['default-deny', 'allow-dns', 'allow-api-server']),
      );
    }
    const deny = objects.find(o => o.metadata?.name === 'default-deny');
    expect(deny?.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  });

  test('the API server reaches the webhook port from the VPC only', () => {
    const webhook = synth({ cluster: { vpcCidr: '10.20.0.0/16' } }).find(
      o => o.metadata?.name === 'allow-webhook-from-api-server',
    );
    expect(webhook?.spec).toMatchObject({
      ingress: [
        { from: [{ ipBlock: { cidr: '10.20.0.0/16' } }], ports: [{ protocol: 'TCP', port: 8443 }] },
      ],
    });
  });

  test('the controller namespace exists only in controller mode', () => {
    expect(names(synth(), 'kafka-autoscaler')).toContain('allow-aws-apis');
    expect(names(synth({ autoscaling: { mode: 'off' } }), 'kafka-autoscaler')).toEqual([]);
  });
});
