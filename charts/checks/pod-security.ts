/**
 * Container security invariants over every pod template: non-root, no privilege escalation, not
 * privileged, read-only root filesystem, seccomp RuntimeDefault, all capabilities dropped, CPU and
 * memory requests, and liveness plus readiness probes on long-running containers.
 */
import { asArray, at, describeObject, podTemplates, type JsonObject } from './objects';

export interface PodSecurityOptions {
  /** `Kind/namespace/name:container` entries whose image needs a writable root filesystem. */
  readonly writableRootAllowed?: ReadonlySet<string>;
}

function effective(container: unknown, podSpec: unknown, ...path: string[]): unknown {
  return at(container, 'securityContext', ...path) ?? at(podSpec, 'securityContext', ...path);
}

/** Problems with one pod template's containers; empty when all hold. */
export function containerSecurityProblems(
  objects: readonly JsonObject[],
  options: PodSecurityOptions = {},
): string[] {
  const problems: string[] = [];
  for (const template of podTemplates(objects)) {
    const { podSpec } = template;
    const containers = [
      ...asArray(podSpec.initContainers).map(c => ({ container: c, init: true })),
      ...asArray(podSpec.containers).map(c => ({ container: c, init: false })),
    ];
    if (at(podSpec, 'hostNetwork') === true || at(podSpec, 'hostPID') === true) {
      problems.push(`${describeObject(template.owner)}: uses the host network or PID namespace`);
    }
    for (const { container, init } of containers) {
      const where = `${describeObject(template.owner)}:${String(at(container, 'name'))}`;
      const fail = (what: string): void => {
        problems.push(`${where}: ${what}`);
      };
      if (effective(container, podSpec, 'runAsNonRoot') !== true) fail('runAsNonRoot is not true');
      if (effective(container, podSpec, 'runAsUser') === 0) fail('runs as UID 0');
      if (at(container, 'securityContext', 'privileged') === true) fail('is privileged');
      if (at(container, 'securityContext', 'allowPrivilegeEscalation') !== false) {
        fail('allowPrivilegeEscalation is not false');
      }
      if (
        at(container, 'securityContext', 'readOnlyRootFilesystem') !== true &&
        !(options.writableRootAllowed?.has(where) ?? false)
      ) {
        fail('readOnlyRootFilesystem is not true');
      }
      if (effective(container, podSpec, 'seccompProfile', 'type') !== 'RuntimeDefault') {
        fail('seccompProfile is not RuntimeDefault');
      }
      const dropped = asArray(at(container, 'securityContext', 'capabilities', 'drop'));
      if (!dropped.includes('ALL')) fail('does not drop ALL capabilities');
      const added = asArray(at(container, 'securityContext', 'capabilities', 'add'));
      if (added.length > 0) fail(`adds capabilities ${added.map(String).join(', ')}`);
      for (const resource of ['cpu', 'memory']) {
        if (at(container, 'resources', 'requests', resource) === undefined) {
          fail(`has no ${resource} request`);
        }
      }
      if (!init && !template.runsToCompletion) {
        for (const probe of ['livenessProbe', 'readinessProbe']) {
          if (at(container, probe) === undefined) fail(`has no ${probe}`);
        }
      }
    }
  }
  return problems;
}
