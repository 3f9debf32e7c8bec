/** The Pulumi components of the AWS side, and the function that wires them to a spec. */
export * from './cluster';
export * from './cluster-autoscaler';
export * from './ebs-csi-driver';
export * from './gitops-bootstrap';
export * from './network';
export * from './nodegroups';
export * from './platform';
export * from './scaling';
export * from './stack';
export * from './workload-role';
