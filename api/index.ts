/**
 * Package entry `kafka-eks-autoscaling`: the spec and the cdk8s side. The Pulumi side is
 * `kafka-eks-autoscaling/pulumi`, kept apart so a cdk8s app never loads the Pulumi SDK.
 */
export * from './spec';
export * from './cdk8s';
