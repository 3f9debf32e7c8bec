/**
 * The Pulumi program: reads the spec file named in the stack config (`kafka-eks-autoscaling:spec`,
 * default `stacks/prod.yaml`), validates it, and builds the whole platform from it. A relative
 * spec path resolves against the project root (the folder of `Pulumi.yaml`), not the working
 * directory the engine starts the program in (`stacks/`); see `stacks/defaults.ts`.
 */
import * as pulumi from '@pulumi/pulumi';
import { buildPlatformStack } from '../components/stack';
import { loadSpecFile } from '../spec/load';
import { DEFAULT_SPEC_PATH, projectRootFrom, resolveProjectPath } from './defaults';

const config = new pulumi.Config();
const projectRoot = projectRootFrom(pulumi.runtime.getRootDirectory());
const loaded = loadSpecFile(
  resolveProjectPath(config.get('spec') ?? DEFAULT_SPEC_PATH, projectRoot),
);
const platform = buildPlatformStack(loaded);

export const kubeconfig = platform.kubeconfig;
export const clusterName = platform.clusterName;
export const zones = platform.zones;
export const bootstrapAddress = platform.bootstrapAddress;
export const externalBootstrapService = platform.externalBootstrapService;
export const controllerPolicyJson = platform.controllerPolicyJson;
