/**
 * The Pulumi program: reads the spec file named in the stack config (`kafka-eks-autoscaling:spec`,
 * default `stacks/prod.yaml`), validates it, and creates one `KafkaEksPlatform` from it, named
 * after `spec.name`, exporting its outputs. A relative spec path resolves against the project root
 * (the folder of `Pulumi.yaml`), not the working directory the engine starts the program in
 * (`stacks/`); see `stacks/defaults.ts`.
 *
 * Earlier versions of this program called `buildPlatformStack` itself, so its components were
 * direct children of the stack. `aliasRootResources: true` keeps those stacks: each component
 * answers to its old URN too, and `pulumi up` moves it under the platform without replacing
 * anything (docs/upgrade.md). Checked under the real engine by test/engine/aliases.test.ts.
 */
import * as pulumi from '@pulumi/pulumi';
import { KafkaEksPlatform } from '../components/kafka-eks-platform';
import { SpecError } from '../spec/errors';
import { loadSpecFile } from '../spec/load';
import { projectRootFrom, specFileFromConfig } from './defaults';

const config = new pulumi.Config();
const projectRoot = projectRootFrom(pulumi.runtime.getRootDirectory());
const { file: specFile, problem } = specFileFromConfig(config.get('spec'), projectRoot);
// RunError: the engine prints the message alone, without a stack trace of the program.
if (problem !== undefined) throw new pulumi.RunError(problem);
let loaded: ReturnType<typeof loadSpecFile>;
try {
  loaded = loadSpecFile(specFile);
} catch (error) {
  if (error instanceof SpecError) throw new pulumi.RunError(error.message);
  throw error;
}
const platform = new KafkaEksPlatform(loaded.spec.name, {
  spec: loaded,
  aliasRootResources: true,
});

export const kubeconfig = platform.kubeconfig;
export const clusterName = platform.clusterName;
export const zones = platform.zones;
export const bootstrapAddress = platform.bootstrapAddress;
export const externalBootstrapService = platform.externalBootstrapService;
export const controllerPolicyJson = platform.controllerPolicyJson;
