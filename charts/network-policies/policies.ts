/**
 * Network policies for the namespaces this platform owns besides Kafka's (Kafka's listeners get
 * theirs from Strimzi, limited by `networkPolicyPeers`). Each namespace denies everything, then
 * allows what its pods need. Enforced on EKS by the VPC CNI's network policy agent.
 *
 * The API server: an EKS control plane is reached through ENIs the service places in the
 * cluster's VPC subnets, and their IPs are not known before the cluster exists (and change when
 * EKS replaces them). A NetworkPolicy sees the endpoint IP after the `kubernetes` Service is
 * translated, so the only stable rule is "TCP 443 to the VPC CIDR". That is what we allow. It
 * assumes the private endpoint is on (it is whenever `cluster.publicEndpointCidrs` is empty, the
 * default); with an existing VPC, `cluster.vpcCidr` must be that VPC's CIDR.
 */
import { k8s } from 'cdk8s-plus-27';

const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

export interface NamespacePolicy {
  /** Policy name. */
  readonly name: string;
  readonly namespace: string;
  readonly spec: k8s.NetworkPolicySpec;
}

function inNamespace(namespace: string): k8s.NetworkPolicyPeer {
  return { namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: namespace } } };
}

function tcp(...ports: number[]): k8s.NetworkPolicyPort[] {
  return ports.map(port => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) }));
}

/** Deny all ingress and egress for every pod of the namespace. */
export function defaultDeny(namespace: string): NamespacePolicy {
  return {
    name: 'default-deny',
    namespace,
    spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
  };
}

/** DNS through CoreDNS in kube-system. */
export function allowDns(namespace: string): NamespacePolicy {
  return {
    name: 'allow-dns',
    namespace,
    spec: {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        {
          to: [
            {
              ...inNamespace('kube-system'),
              podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
            },
          ],
          ports: [{ protocol: 'UDP', port: k8s.IntOrString.fromNumber(53) }, ...tcp(53)],
        },
      ],
    },
  };
}

/** The Kubernetes API server: TCP 443 inside the VPC (see the file comment). */
export function allowApiServer(namespace: string, vpcCidr: string): NamespacePolicy {
  return {
    name: 'allow-api-server',
    namespace,
    spec: {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{ to: [{ ipBlock: { cidr: vpcCidr } }], ports: tcp(443) }],
    },
  };
}

/** Prometheus in the monitoring namespace scrapes the given ports. */
export function allowScrape(
  namespace: string,
  monitoringNamespace: string,
  ports: number[],
): NamespacePolicy {
  return {
    name: 'allow-metrics-scrape',
    namespace,
    spec: {
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [{ from: [inNamespace(monitoringNamespace)], ports: tcp(...ports) }],
    },
  };
}

/** The API server calls the Drain Cleaner webhook from its VPC ENIs. */
export function allowWebhook(namespace: string, vpcCidr: string, port: number): NamespacePolicy {
  return {
    name: 'allow-webhook-from-api-server',
    namespace,
    spec: {
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ ipBlock: { cidr: vpcCidr } }], ports: tcp(port) }],
    },
  };
}

/** Egress to another namespace's pods on the given ports. */
export function allowEgressTo(
  name: string,
  namespace: string,
  target: string,
  ports: number[],
): NamespacePolicy {
  return {
    name,
    namespace,
    spec: {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{ to: [inNamespace(target)], ports: tcp(...ports) }],
    },
  };
}

/**
 * AWS APIs (Auto Scaling, EC2, STS) have no fixed addresses: without VPC endpoints the controller
 * needs TCP 443 to anywhere. With interface endpoints for those services, narrow this to the VPC.
 */
export function allowAwsApis(namespace: string): NamespacePolicy {
  return {
    name: 'allow-aws-apis',
    namespace,
    spec: {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: tcp(443) }],
    },
  };
}
