/** The short, human-checkable summary printed after a successful synth. */
import { resolve } from 'node:path';
import type { LoadedSpec } from '../spec/load';
import type { SynthResult } from './synth';

/** Characters a POSIX shell takes literally in a word: no quoting needed. */
const PLAIN_WORD = /^[A-Za-z0-9_./,:@%+-]+$/;

/**
 * `word` as one argument of a POSIX shell (sh, bash, zsh) command line: as it is when it holds
 * only plain characters, else in single quotes, each `'` written `'\''` (POSIX "Quoting": nothing
 * inside single quotes is special). So a printed command with a path in it runs as written.
 */
export function shellWord(word: string): string {
  return PLAIN_WORD.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The path to print for the folder synth wrote to `outDir`, such that kubectl, a shell or any other
 * program finds that folder: `outDir` as typed, but absolute (path.resolve) when a `..` in it
 * follows a name. Synth reads `link/../out` as path.resolve does (`./out`); the kernel, and so
 * every other program, as a sibling of the link's target, another folder or none.
 */
export function writtenFolderPath(outDir: string): string {
  const segments = outDir.split('/');
  const innerUp = segments.some(
    (segment, index) =>
      segment === '..' && segments.slice(0, index).some(s => s !== '..' && s !== '.' && s !== ''),
  );
  return innerUp ? resolve(outDir) : outDir;
}

/**
 * The summary printed after a successful synth: the platform in a few lines, the objects written
 * to `outDir`, and a command that renders them (the path quoted for a POSIX shell, see
 * `shellWord`, and absolute where a `..` would lead the shell elsewhere, see `writtenFolderPath`).
 * The spec's warnings are not in it: the CLI prints them to stderr.
 */
export function synthSummary(loaded: LoadedSpec, result: SynthResult, outDir: string): string {
  const { spec, plan } = loaded;
  const lines: string[] = [];
  lines.push(
    `${spec.name}: Kafka ${spec.kafka.version}, ${spec.kafka.brokers} brokers in ${spec.zones.length} zone(s), ${spec.kafka.controllers} KRaft controllers, autoscaling ${spec.autoscaling.mode}`,
  );
  lines.push(
    `  Kafka nodes: ${plan.nodeCapacity.instanceType}, balanced levels per zone ${plan.balancedNodeCounts.join(' / ')} (brokers per node ${plan.balancedNodeCounts.map(level => plan.brokersPerZone / level).join(' / ')}); broker ${plan.brokerResources.memoryGi} GiB, ${plan.brokerResources.cpuMillis}m CPU request, no CPU limit`,
  );
  for (const zone of plan.zones) {
    const nlb = spec.kafka.external.enabled
      ? `${zone.brokerIds.length} NLB(s) ${zone.nlbSubnet === undefined ? 'cross-zone' : `in ${zone.nlbSubnet}`}`
      : 'no NLB';
    lines.push(
      `  ${zone.zone}: pool ${zone.poolName}, brokers ${zone.brokerIds.join(', ')}, nodegroup ${zone.nodegroupName}, ${nlb}`,
    );
  }
  if (spec.kafka.external.enabled) {
    lines.push(
      `  bootstrap NLB: ${spec.kafka.external.scheme}, from ${spec.kafka.external.allowedCidrs.join(', ')}`,
    );
  }
  const objectCount = result.components.reduce((sum, c) => sum + c.objects.length, 0);
  lines.push(
    `Wrote ${objectCount} objects in ${result.components.length} components (${result.components.map(c => c.name).join(', ')}) to ${outDir}; render with: kubectl kustomize ${shellWord(writtenFolderPath(outDir))}`,
  );
  return lines.join('\n');
}
