/**
 * Reads the scanners' exceptions from their own configuration files, where platform teams find
 * them (`.kube-linter.yaml`, `.polaris.yaml`, `.checkov.yaml`), and scopes them.
 *
 * In those files each exception is one entry (a check ID in a list, or `<check>: ignore` for
 * Polaris) with a one-line comment directly above it:
 *
 *     # <scope>[, <scope> ...]: <reason>
 *
 * A scope is `all` (every object), `strimzi-pods` (the pods Strimzi creates from the node pools:
 * test/cluster/strimzi-pods.ts), `strimzi-brokers`, `strimzi-controllers`, `<Kind>/<name>`
 * (that object in any namespace), or `<Kind>/<namespace>/<name>` (that object in that namespace). The tools themselves apply these entries to everything; the
 * cluster tier runs them without the entries and accepts a finding only inside its scope, so an
 * exception written for the Kafka pods never hides the same fault in one of our Deployments.
 * A scope that no finding used any more is reported as stale.
 */
import { readFileSync } from 'node:fs';

/** One exception: a check, where it applies, and why. */
export interface ScannerException {
  readonly check: string;
  readonly scopes: readonly string[];
  readonly reason: string;
  /** `file:line` of the entry, for messages. */
  readonly where: string;
}

/** What a finding is about, for scope matching. */
export interface Subject {
  readonly kind: string;
  readonly name: string;
  /** Namespace of the object, for `Kind/namespace/name` scopes; undefined when cluster-scoped. */
  readonly namespace?: string;
  /** Set for the rendered Strimzi pods: the roles of their pool. */
  readonly strimziRole?: 'broker' | 'controller';
}

const SCOPE =
  /^(all|strimzi-pods|strimzi-brokers|strimzi-controllers|[A-Z][A-Za-z]+\/(?:[a-z0-9-]+\/)?[a-z0-9.-]+)$/;

/**
 * Exceptions in `text` (the file at `path`): every line matching `entry` (its first group is the
 * check ID) inside the block that starts at the line matching `section` (and runs while lines are
 * blank, comments, or indented deeper than that line). Throws, naming the file and line, when an
 * entry has no `# scope: reason` comment right above it or names an unknown scope.
 */
export function parseExceptions(
  text: string,
  path: string,
  section: RegExp,
  entry: RegExp,
): ScannerException[] {
  const lines = text.split('\n');
  const start = lines.findIndex(line => section.test(line));
  if (start < 0) return [];
  const indent = (line: string): number => line.length - line.trimStart().length;
  const sectionIndent = indent(lines[start] ?? '');
  const result: ScannerException[] = [];
  for (let i = start + 1; i < lines.length; i += 1) {
    const line = lines[i] ?? '';
    if (line.trim() !== '' && !line.trim().startsWith('#') && indent(line) <= sectionIndent) break;
    const match = entry.exec(line);
    if (match === null) continue;
    const where = `${path}:${i + 1}`;
    const comment = /^\s*#\s*([^:]+):\s*(\S.*)$/.exec(lines[i - 1] ?? '');
    if (comment === null) {
      throw new Error(`${where}: exception ${match[1]} has no "# <scope>: <reason>" line above it`);
    }
    const scopes = (comment[1] ?? '').split(',').map(scope => scope.trim());
    const unknown = scopes.filter(scope => !SCOPE.test(scope));
    if (unknown.length > 0) {
      throw new Error(
        `${where}: exception ${match[1]} names unknown scope(s) ${unknown.join(', ')}; use all, ` +
          'strimzi-pods, strimzi-brokers, strimzi-controllers, Kind/name or Kind/namespace/name',
      );
    }
    result.push({ check: match[1] ?? '', scopes, reason: (comment[2] ?? '').trim(), where });
  }
  return result;
}

/** `parseExceptions` over a file. */
export function readExceptions(path: string, section: RegExp, entry: RegExp): ScannerException[] {
  return parseExceptions(readFileSync(path, 'utf8'), path, section, entry);
}

/** Whether `scope` covers `subject`. */
export function scopeCovers(scope: string, subject: Subject): boolean {
  if (scope === 'all') return true;
  if (scope === 'strimzi-pods') return subject.strimziRole !== undefined;
  if (scope === 'strimzi-brokers') return subject.strimziRole === 'broker';
  if (scope === 'strimzi-controllers') return subject.strimziRole === 'controller';
  if (scope.split('/').length === 3) {
    return scope === `${subject.kind}/${subject.namespace ?? ''}/${subject.name}`;
  }
  return scope === `${subject.kind}/${subject.name}`;
}

/** Findings of one tool run, checked against its exceptions. */
export class ExceptionLedger {
  private readonly used = new Set<string>();

  public constructor(private readonly exceptions: readonly ScannerException[]) {}

  /** True when an exception covers `check` on `subject` (and records that its scope was used). */
  public covers(check: string, subject: Subject): boolean {
    for (const exception of this.exceptions) {
      if (exception.check !== check) continue;
      const scope = exception.scopes.find(s => scopeCovers(s, subject));
      if (scope !== undefined) {
        this.used.add(`${exception.check} ${scope}`);
        return true;
      }
    }
    return false;
  }

  /** Scopes no finding used: the fault is fixed, so the exception should go. */
  public stale(): string[] {
    return this.exceptions.flatMap(exception =>
      exception.scopes
        .filter(scope => !this.used.has(`${exception.check} ${scope}`))
        .map(scope => `${exception.where}: ${exception.check} (${scope}) no longer occurs`),
    );
  }
}

/**
 * `text` without the block that starts at the line matching `header` (the block runs as in
 * `parseExceptions`): the configuration a tool runs with when its exceptions are ours to apply.
 */
export function withoutBlock(text: string, header: RegExp): string {
  const lines = text.split('\n');
  const start = lines.findIndex(line => header.test(line));
  if (start < 0) return text;
  const indent = (line: string): number => line.length - line.trimStart().length;
  const headerIndent = indent(lines[start] ?? '');
  let end = start + 1;
  while (end < lines.length) {
    const line = lines[end] ?? '';
    if (line.trim() !== '' && !line.trim().startsWith('#') && indent(line) <= headerIndent) break;
    end += 1;
  }
  return [...lines.slice(0, start), ...lines.slice(end)].join('\n');
}
