/**
 * The Apache Kafka versions the pinned Strimzi operator (chart 1.2.0, `charts/operators/versions.ts`)
 * runs. Strimzi refuses any other `spec.kafka.version`: the `Kafka` resource stays NotReady with
 * `UnsupportedKafkaVersionException` and no broker starts, although the CRD accepts any string
 * (reports: a2aproject/a2a-java#716 with 4.0.0 on a release supporting 4.1.0-4.2.0;
 * GreptimeTeam/docs#1399 with 3.7.0; OpenFunction/samples#117 with 2.8.0; zacheryph/k8s-gitops#3396
 * with 4.1.0 on a release supporting 4.2.0, 4.2.1 and 4.3.0).
 *
 * Sources for this list (facts only): Strimzi publishes one `quay.io/strimzi/kafka:<strimzi>-kafka-<kafka>`
 * image per supported version, and images tagged `1.2.0-kafka-4.2.1`, `1.2.0-kafka-4.3.0` and
 * `1.2.0-kafka-4.3.1` are in use in public repositories; the release before 1.2.0 supported 4.2.0,
 * 4.2.1 and 4.3.0 (zacheryph/k8s-gitops#3396), and Strimzi drops a Kafka minor line with all its
 * patch releases at once (strimzi-kafka-operator#7131, maintainer comment), so 4.2.0 stays with
 * 4.2.1. Strimzi's own list is `kafka-versions.yaml` (`supported: true`) in the release's source.
 * Re-check this list whenever the Strimzi pin changes (test/spec/strimzi-reports.test.ts fails
 * when the pin moves without it).
 */

/** The Strimzi release these versions belong to; equal to `STRIMZI_OPERATOR_CHART.version`. */
export const KAFKA_VERSIONS_STRIMZI_RELEASE = '1.2.0';

/** Kafka versions Strimzi 1.2.0 supports, oldest first; the last is the spec's default. */
export const SUPPORTED_KAFKA_VERSIONS: readonly string[] = ['4.2.0', '4.2.1', '4.3.0', '4.3.1'];
