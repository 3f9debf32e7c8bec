/** RBAC invariants: a subject's rules equal an expected list, no more and no less. */
import { asArray, at, type JsonObject } from './objects';

/** One permission: `namespace|* group/resource[name] verb`. */
export type Grant = string;

function grantsOfRules(rules: unknown, namespace: string): Grant[] {
  return asArray(rules).flatMap(rule => {
    const names = asArray(at(rule, 'resourceNames')).map(String);
    const nameSuffixes = names.length === 0 ? [''] : names.map(name => `[${name}]`);
    return asArray(at(rule, 'apiGroups')).flatMap(group =>
      asArray(at(rule, 'resources')).flatMap(resource =>
        nameSuffixes.flatMap(suffix =>
          asArray(at(rule, 'verbs')).map(
            verb => `${namespace} ${String(group)}/${String(resource)}${suffix} ${String(verb)}`,
          ),
        ),
      ),
    );
  });
}

/** Every grant the objects give to one ServiceAccount, sorted. */
export function grantsFor(
  objects: readonly JsonObject[],
  serviceAccount: { readonly name: string; readonly namespace: string },
): Grant[] {
  const grants = new Set<Grant>();
  const bindings = objects.filter(o => o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding');
  for (const binding of bindings) {
    const bound = asArray(at(binding, 'subjects')).some(
      subject =>
        at(subject, 'kind') === 'ServiceAccount' &&
        at(subject, 'name') === serviceAccount.name &&
        at(subject, 'namespace') === serviceAccount.namespace,
    );
    if (!bound) continue;
    const roleKind = at(binding, 'roleRef', 'kind');
    const roleName = at(binding, 'roleRef', 'name');
    const bindingNamespace = at(binding, 'metadata', 'namespace');
    const role = objects.find(
      o =>
        o.kind === roleKind &&
        at(o, 'metadata', 'name') === roleName &&
        (roleKind === 'ClusterRole' || at(o, 'metadata', 'namespace') === bindingNamespace),
    );
    if (role === undefined) continue;
    const scope = binding.kind === 'ClusterRoleBinding' ? '*' : String(bindingNamespace);
    for (const grant of grantsOfRules(at(role, 'rules'), scope)) grants.add(grant);
  }
  return [...grants].sort();
}

/** Differences between the granted and the expected permissions. */
export function rbacProblems(actual: readonly Grant[], expected: readonly Grant[]): string[] {
  const extra = actual
    .filter(grant => !expected.includes(grant))
    .map(g => `extra permission: ${g}`);
  const missing = expected
    .filter(grant => !actual.includes(grant))
    .map(g => `missing permission: ${g}`);
  return [...extra, ...missing];
}
