/**
 * Package entry `kafka-eks-autoscaling/pulumi`: the AWS side. `KafkaEksPlatform` creates the whole
 * platform in your Pulumi program; the components it is made of are exported one by one too.
 */
export * from '../components/kafka-eks-platform';
export * from '../components/index';
