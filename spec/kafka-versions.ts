/**
 * The Apache Kafka versions the pinned Strimzi operator (chart 1.2.0, `charts/operators/versions.ts`)
 * runs. Strimzi refuses any other `spec.kafka.version`: the `Kafka` resource stays NotReady with
 * `UnsupportedKafkaVersionException` and no broker starts, although the CRD accepts any string
 * (reports: a2aproject/a2a-java#716 with 4.0.0 on a release supporting 4.1.0-4.2.0;
 * GreptimeTeam/docs#1399 with 3.7.0; OpenFunction/samples#117 with 2.8.0; zacheryph/k8s-gitops#3396
 * with 4.1.0 on a release supporting 4.2.0, 4.2.1 and 4.3.0).
 *
 * Sources for this list (facts only): Strimzi's own list is `kafka-versions.yaml`
 * (`supported: true`) in the release's source, and the operator's `STRIMZI_KAFKA_IMAGES`
 * environment (one `<kafka>=quay.io/strimzi/kafka:<strimzi>-kafka-<kafka>` line per supported
 * version) in the release's `strimzi-cluster-operator-<version>.yaml`. The 1.2.0 copy of
 * `kafka-versions.yaml` is not in the stored sources; its 1.1.0 development copy
 * (strimzi-kafka-operator commit 01bad4471cc8, CHANGELOG "1.1.0: Support for Apache Kafka 4.3.0")
 * marks 4.2.0 and 4.3.0 supported and every 4.1.x unsupported. For 1.2.0 itself, a public test
 * that pins the 1.2.0 release asset (strimzi commit 6c7b43c4af0d) lists the `STRIMZI_KAFKA_IMAGES`
 * keys 4.2.0, 4.2.1, 4.3.0 and 4.3.1 with `1.2.0-kafka-4.3.1` as the default image, and
 * `1.2.0-kafka-4.2.0` images are in use in public repositories; no `1.2.0-kafka-4.4.x` image
 * was found. Re-check this list whenever the Strimzi pin changes (test/spec/strimzi-reports.test.ts
 * fails when the pin moves without it).
 */

/** The Strimzi release these versions belong to; equal to `STRIMZI_OPERATOR_CHART.version`. */
export const KAFKA_VERSIONS_STRIMZI_RELEASE = '1.2.0';

/** Kafka versions Strimzi 1.2.0 supports, oldest first; the last is the spec's default. */
export const SUPPORTED_KAFKA_VERSIONS: readonly string[] = ['4.2.0', '4.2.1', '4.3.0', '4.3.1'];
