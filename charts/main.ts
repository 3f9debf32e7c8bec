/**
 * Entry for the cdk8s CLI (`npx cdk8s synth`, see cdk8s.yaml): builds the charts for the spec named
 * by PLATFORM_SPEC (default: the prod example) and lets cdk8s write one file per chart.
 */
import { App } from 'cdk8s';
import { loadSpecFile } from '../spec/load';
import { DEFAULT_SPEC_FILE } from '../stacks/defaults';
import { buildApp } from './synth';

const app = new App();
buildApp(loadSpecFile(process.env.PLATFORM_SPEC ?? DEFAULT_SPEC_FILE), app);
app.synth();
