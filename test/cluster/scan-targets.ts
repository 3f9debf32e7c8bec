/**
 * The folders the manifest scanners read: for every spec of the tier, the YAML files synth would
 * write (one per component) and, beside them, the Pods (and their ServiceAccount) Strimzi will
 * create from the spec's node pools (`strimzi-pods.ts`, a test-only rendering). Kept apart from lint.test.ts so the same
 * folders can be written by hand for a look with the tools:
 * `npx tsx test/cluster/scan-targets.ts <dir>`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { STRIMZI_OPERATOR_CHART } from '../../charts/operators/versions';
import type { KubeObject } from './kube-api';
import { allSpecs } from './specs';
import { strimziPods, strimziServiceAccounts } from './strimzi-pods';
import { synthObjects } from './synth-objects';

/** File (within a spec's folder) that holds the rendered Strimzi pods. */
export const STRIMZI_PODS_FILE = 'strimzi-pods.yaml';

export interface ScanTarget {
  /** Which spec, for messages. */
  readonly label: string;
  /** Folder with one YAML file per component plus `strimzi-pods.yaml`. */
  readonly dir: string;
  /** Every object in the folder, the rendered pods included. */
  readonly objects: readonly KubeObject[];
}

function yamlFile(label: string, objects: readonly KubeObject[]): string {
  return `# ${label}\n${objects.map(o => stringify(o, { lineWidth: 0 })).join('---\n')}`;
}

/** Writes one folder per spec under `root` (which must exist) and returns what it wrote. */
export function writeScanTargets(root: string): ScanTarget[] {
  return allSpecs().map(({ label, loaded }, index) => {
    const dir = join(root, `spec-${index}`);
    mkdirSync(dir);
    const byComponent = new Map<string, KubeObject[]>();
    for (const { component, object } of synthObjects(loaded)) {
      byComponent.set(component, [...(byComponent.get(component) ?? []), object]);
    }
    const synthesized = [...byComponent.values()].flat();
    const pods = [
      ...strimziServiceAccounts(synthesized),
      ...strimziPods(synthesized, { strimziVersion: STRIMZI_OPERATOR_CHART.version }),
    ];
    for (const [component, objects] of byComponent) {
      writeFileSync(join(dir, `${component}.yaml`), yamlFile(label, objects));
    }
    writeFileSync(join(dir, STRIMZI_PODS_FILE), yamlFile(`${label} (Strimzi pods)`, pods));
    return { label, dir, objects: [...synthesized, ...pods] };
  });
}

if (require.main === module) {
  const root = process.argv[2];
  if (root === undefined) {
    process.stderr.write('usage: npx tsx test/cluster/scan-targets.ts <existing empty dir>\n');
    process.exit(2);
  }
  for (const { label, dir } of writeScanTargets(root)) process.stdout.write(`${dir}\t${label}\n`);
}
