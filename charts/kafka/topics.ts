/** Builds KafkaTopic bodies from the spec's topics. */
import { topicResourceName } from '../../spec/rules';
import type { PlatformSpec, TopicSpec } from '../../spec/schema';
import type { KafkaTopicSpec } from '../strimzi/types';

/** Kubernetes name of a topic's KafkaTopic resource. */
export function topicMetadataName(topic: TopicSpec): string {
  return topicResourceName(topic.name);
}

/** The KafkaTopic spec: spec defaults for replication, the topic's own config on top. */
export function topicSpec(spec: PlatformSpec, topic: TopicSpec): KafkaTopicSpec {
  const resourceName = topicMetadataName(topic);
  return {
    ...(resourceName === topic.name ? {} : { topicName: topic.name }),
    partitions: topic.partitions,
    replicas: topic.replicationFactor ?? spec.kafka.replicationFactor,
    config: {
      'min.insync.replicas': topic.minInSyncReplicas ?? spec.kafka.minInSyncReplicas,
      ...topic.config,
    },
  };
}
