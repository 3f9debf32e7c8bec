/**
 * The Pulumi program: reads the spec file named in the stack config (`kafka-eks-autoscaling:spec`,
 * default `stacks/prod.yaml`), validates it, and builds the whole platform from it.
 */
import * as pulumi from '@pulumi/pulumi';
import { resolve } from 'node:path';
import { buildPlatformStack } from '../components/stack';
import { loadSpecFile } from '../spec/load';
import { DEFAULT_SPEC_FILE } from './defaults';

const config = new pulumi.Config();
const loaded = loadSpecFile(resolve(config.get('spec') ?? DEFAULT_SPEC_FILE));
const platform = buildPlatformStack(loaded);

export const kubeconfig = platform.kubeconfig;
export const clusterName = platform.clusterName;
export const zones = platform.zones;
export const bootstrapAddress = platform.bootstrapAddress;
export const externalBootstrapService = platform.externalBootstrapService;
export const controllerPolicyJson = platform.controllerPolicyJson;
