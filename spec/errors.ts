/** One problem found in a spec: where it is, and a message that shows the bad value and the fix. */
export interface SpecIssue {
  /** Dotted key path, for example `kafka.topics[2].partitions`; empty for the whole spec. */
  readonly path: string;
  /** What is wrong and how to fix it. */
  readonly message: string;
}

/** Thrown when a spec is invalid; carries every problem found, not only the first. */
export class SpecError extends Error {
  public readonly issues: readonly SpecIssue[];
  /**
   * What was not checked in this run and why (checks that read a field with a structural problem
   * run once it is fixed); printed after the problems and not counted as problems.
   */
  public readonly notes: readonly SpecIssue[];

  public constructor(
    issues: readonly SpecIssue[],
    source?: string,
    notes: readonly SpecIssue[] = [],
  ) {
    const where = source === undefined ? 'the platform spec' : source;
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
    const noteLines =
      notes.length === 0
        ? ''
        : `\nNot checked yet:\n${notes.map(i => `  - ${formatIssue(i)}`).join('\n')}`;
    super(
      `${where} has ${count}:\n${issues.map(i => `  - ${formatIssue(i)}`).join('\n')}${noteLines}`,
    );
    this.name = 'SpecError';
    this.issues = issues;
    this.notes = notes;
  }
}

/** `path: message`, or the message alone for the root. */
export function formatIssue(issue: SpecIssue): string {
  return issue.path === '' ? issue.message : `${issue.path}: ${issue.message}`;
}

/** Renders a path array as `a.b[2].c`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((segment, index) => {
      if (typeof segment === 'number') return `[${segment}]`;
      return index === 0 ? String(segment) : `.${String(segment)}`;
    })
    .join('');
}

/** A value as it appears in a message: strings quoted, everything else as JSON. */
export function showValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  return JSON.stringify(value);
}
