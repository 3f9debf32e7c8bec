/**
 * Who may change the Kafka groups' size. `target-tracking`: three target-tracking policies on each
 * Kafka group's Auto Scaling group (network in, network out, CPU). `controller`: no policies; the
 * Kafka-aware controller gets a role that may describe groups and instances, and set capacity,
 * set instance protection and terminate instances in this platform's Kafka groups only. `off`:
 * neither.
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { PlatformPlan } from '../spec/derive';
import type { PlatformSpec } from '../spec/schema';
import { kafkaControllerPolicy, type PolicyDocument } from './lib/iam';
import { CONTROLLER_SERVICE_ACCOUNT_NAME } from './lib/names';
import { KAFKA_INSTANCE_WARMUP_SECONDS, targetTrackingTargets } from './lib/scaling-targets';
import { namedTags } from './lib/tags';
import type { KafkaNodegroup } from './nodegroups';
import { WorkloadRole } from './workload-role';

export interface ScalingArgs {
  /**
   * The validated platform spec: `autoscaling`, `controller`.
   * @default - required
   */
  readonly spec: PlatformSpec;
  /**
   * Numbers derived from the spec (node capacity for the network targets).
   * @default - required
   */
  readonly plan: PlatformPlan;
  /**
   * Name of the EKS cluster.
   * @default - required
   */
  readonly clusterName: string;
  /**
   * The Kafka nodegroups, one per zone.
   * @default - required
   */
  readonly kafkaNodegroups: readonly KafkaNodegroup[];
  /**
   * Resources the controller's Pod Identity association waits for.
   * @default - none
   */
  readonly dependsOn?: readonly pulumi.Resource[];
}

export class Scaling extends pulumi.ComponentResource {
  /** The target-tracking policies (empty unless mode is `target-tracking`). */
  public readonly policies: readonly aws.autoscaling.Policy[];
  /** The controller's role (controller mode without `controller.iamRoleArn` only). */
  public readonly controllerRole: WorkloadRole | undefined;
  /**
   * The controller's IAM policy as JSON (controller mode): attached to the created role, or to
   * attach to the role named in `controller.iamRoleArn`.
   */
  public readonly controllerPolicyJson: pulumi.Output<string> | undefined;

  public constructor(name: string, args: ScalingArgs, opts?: pulumi.ComponentResourceOptions) {
    super('kafka-eks:index:Scaling', name, {}, opts);
    const { spec, plan } = args;
    const mode = spec.autoscaling.mode;
    const policies: aws.autoscaling.Policy[] = [];
    if (mode === 'target-tracking') {
      const targets = targetTrackingTargets(spec, plan);
      for (const group of args.kafkaNodegroups) {
        for (const target of targets) {
          policies.push(
            new aws.autoscaling.Policy(
              `${name}-${group.zone}-${target.id}`,
              {
                name: `${group.nodegroupName}-${target.id}`,
                autoscalingGroupName: group.asgName,
                policyType: 'TargetTrackingScaling',
                estimatedInstanceWarmup: KAFKA_INSTANCE_WARMUP_SECONDS,
                targetTrackingConfiguration: {
                  predefinedMetricSpecification: { predefinedMetricType: target.metric },
                  targetValue: target.targetValue,
                },
              },
              { parent: this },
            ),
          );
        }
      }
    }
    this.policies = policies;

    if (mode === 'controller') {
      const identity = aws.getCallerIdentityOutput({}, { parent: this });
      const partition = aws.getPartitionOutput({}, { parent: this });
      const policy: pulumi.Output<PolicyDocument> = pulumi
        .all([
          identity.accountId,
          partition.partition,
          pulumi.all(args.kafkaNodegroups.map(group => group.asgName)),
        ])
        .apply(([accountId, partitionName, asgNames]) =>
          kafkaControllerPolicy({
            partition: partitionName,
            region: spec.region,
            accountId,
            clusterName: args.clusterName,
            kafkaGroups: args.kafkaNodegroups.map((group, index) => ({
              nodegroupName: group.nodegroupName,
              asgName: asgNames[index] ?? '',
            })),
          }),
        );
      this.controllerPolicyJson = policy.apply(document => JSON.stringify(document));
      this.controllerRole =
        spec.controller.iamRoleArn === undefined
          ? new WorkloadRole(
              `${name}-kafka-autoscaler`,
              {
                clusterName: args.clusterName,
                namespace: spec.controller.namespace,
                serviceAccount: CONTROLLER_SERVICE_ACCOUNT_NAME,
                policy,
                dependsOn: args.dependsOn,
                tags: namedTags(spec, `${spec.name}-kafka-autoscaler`),
              },
              { parent: this },
            )
          : undefined;
    } else {
      this.controllerPolicyJson = undefined;
      this.controllerRole = undefined;
    }
    this.registerOutputs({
      controllerPolicyJson: this.controllerPolicyJson,
      controllerRoleArn: this.controllerRole?.roleArn,
    });
  }
}
