/**
 * The AWS region codes a spec may name, read at run time from the installed @pulumi/aws (its
 * `Region` enum, the regions its provider can target), so a provider upgrade that adds a region
 * makes it valid with no table here to keep. Only the enum module is loaded (plain objects, about
 * a dozen files, no Pulumi runtime), so synth's start-up does not pay for the provider.
 */
import { Region } from '@pulumi/aws/types/enums';

/** Every AWS region code @pulumi/aws knows, sorted, including GovCloud, ISO and China regions. */
export const AWS_REGIONS: readonly string[] = Object.values(Region)
  .map(code => String(code))
  .sort();

const KNOWN_REGIONS: ReadonlySet<string> = new Set(AWS_REGIONS);

/** Whether `region` is an AWS region code @pulumi/aws knows. */
export function isAwsRegion(region: string): boolean {
  return KNOWN_REGIONS.has(region);
}

/** Levenshtein distance: insertions, deletions and substitutions, each costing 1. */
function editDistance(left: string, right: string): number {
  let previous = Array.from({ length: right.length + 1 }, (_, index) => index);
  for (let row = 1; row <= left.length; row += 1) {
    const current = [row];
    for (let column = 1; column <= right.length; column += 1) {
      const substitution = left[row - 1] === right[column - 1] ? 0 : 1;
      current.push(
        Math.min(
          (previous[column] ?? 0) + 1,
          (current[column - 1] ?? 0) + 1,
          (previous[column - 1] ?? 0) + substitution,
        ),
      );
    }
    previous = current;
  }
  return previous[right.length] ?? 0;
}

/**
 * The known region nearest to `region` by edit distance (the first in sorted order on a tie), for
 * a "did you mean" hint; for example `us-esat-1` gives `us-east-1`.
 */
export function nearestAwsRegion(region: string): string {
  let nearest = AWS_REGIONS[0] ?? 'us-east-1';
  let nearestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of AWS_REGIONS) {
    const distance = editDistance(region, candidate);
    if (distance < nearestDistance) {
      nearest = candidate;
      nearestDistance = distance;
    }
  }
  return nearest;
}

/**
 * The message for `region` when it is not a known AWS region code (naming the nearest one and the
 * fix), undefined when it is one.
 */
export function regionProblem(region: string): string | undefined {
  if (isAwsRegion(region)) return undefined;
  const nearest = nearestAwsRegion(region);
  return (
    `${JSON.stringify(region)} is not an AWS region code, so pulumi up would fail at the first ` +
    `subnet with part of the platform created; did you mean "${nearest}"? Set region to an AWS ` +
    `region code (the regions @pulumi/aws knows: ${AWS_REGIONS.join(', ')}) and name zones after it`
  );
}
