/**
 * Class: a certificate lifetime the platform renders as a cert-manager `duration` that Go cannot
 * hold. `drainCleaner.certificateValidityDays` becomes the webhook CA Certificate's
 * `spec.duration` in hours (charts/drain-cleaner/webhook.ts). cert-manager reads durations with
 * Go's time.ParseDuration (the Certificate CRD's description of `duration`), whose int64
 * nanoseconds end at 2562047 hours, about 292 years; a longer value fails to parse ("time: invalid
 * duration"), so the Certificate is refused and the webhook never gets its CA
 * (hashicorp/terraform-provider-tls#58 hit the same 2562047-hour ceiling for certificate validity).
 */
import fc from 'fast-check';
import { specInput, specProblems } from '../util/specs';

const withDays = (days: number) => ({
  ...specInput(3, 1),
  drainCleaner: { certificateValidityDays: days },
});
const dayProblems = (days: number): string[] =>
  specProblems(withDays(days)).filter(p => p.startsWith('drainCleaner.certificateValidityDays'));

describe('class: a certificate duration beyond what Go parses', () => {
  it('throws for 200000 days (4800000h, above the 2562047h a Go duration holds)', () => {
    expect(dayProblems(200000)).toEqual([
      'drainCleaner.certificateValidityDays: 200000 days is 4800000h, longer than the 2562047h (about 292 years) a Go duration holds, so cert-manager cannot parse the Certificate duration ("time: invalid duration") and the webhook CA is never issued; use at most 106751, usually 3650',
    ]);
  });

  it('property: refused exactly above 106751 days, and from 90 days on accepted up to it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 90, max: 400000 }), days => {
        expect(dayProblems(days)).toHaveLength(days * 24 > 2562047 ? 1 : 0);
      }),
      { numRuns: 60 },
    );
    expect(dayProblems(106751)).toEqual([]);
    expect(dayProblems(106752)).toHaveLength(1);
  });
});
