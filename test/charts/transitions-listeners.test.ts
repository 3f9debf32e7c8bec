/**
 * Class: a listener change that cuts off the clients connected through it (charts/transitions.ts,
 * warnings). The previous output's `external` listener leaving (`kafka.external.enabled` turned
 * off: Strimzi deletes its Services and the AWS Load Balancer Controller its NLBs), or its
 * authentication or TLS changing (`kafka.external.authentication`: a client speaks one security
 * protocol, and a Strimzi `KafkaUser` holds one kind of credential), was let through silently.
 */
import fc from 'fast-check';
import type { PlatformSpecInput } from '../../spec';
import { report, withKafka } from '../util/transitions';

type Authentication = 'scram-sha-512' | 'tls';

function external(
  enabled: boolean,
  authentication: Authentication,
): PlatformSpecInput['kafka']['external'] {
  return { enabled, allowedCidrs: ['10.0.0.0/8'], authentication };
}

function warningPaths(before: PlatformSpecInput, after: PlatformSpecInput): string[] {
  return report(before, after).warnings.map(w => w.slice(0, w.indexOf(': ')));
}

describe('class: a listener change that cuts off its connected clients (warning)', () => {
  it('warns when the external listener changes its authentication (example)', () => {
    // GIVEN an applied output whose external listener takes client certificates
    const before = withKafka({ external: external(true, 'tls') });
    // WHEN the spec asks for SCRAM on it instead
    const result = report(before, withKafka({ external: external(true, 'scram-sha-512') }));
    // THEN nothing is refused, and the warning names the field, both values and what to do
    expect(result.problems).toEqual([]);
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toMatch(
      /^kafka\.external\.authentication: "scram-sha-512" replaces the "tls" authentication of the external listener in the previous output; .*KafkaUser.*keep "tls"/,
    );
  });

  it('warns when the external listener leaves (example)', () => {
    const result = report(
      withKafka({ external: external(true, 'scram-sha-512') }),
      withKafka({ external: external(false, 'scram-sha-512') }),
    );
    expect(result.problems).toEqual([]);
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toMatch(
      /^kafka\.external\.enabled: false removes the external listener \(port 9094\) of the previous output; .*NLB.*keep true/,
    );
  });

  it('warns exactly when a running external listener leaves or changes its authentication', () => {
    const authentication = fc.constantFrom('scram-sha-512', 'tls') as fc.Arbitrary<Authentication>;
    fc.assert(
      fc.property(
        fc.boolean(),
        authentication,
        fc.boolean(),
        authentication,
        (enabledBefore, authBefore, enabledAfter, authAfter) => {
          const paths = warningPaths(
            withKafka({ external: external(enabledBefore, authBefore) }),
            withKafka({ external: external(enabledAfter, authAfter) }),
          );
          const expected = !enabledBefore
            ? []
            : !enabledAfter
              ? ['kafka.external.enabled']
              : authBefore !== authAfter
                ? ['kafka.external.authentication']
                : [];
          expect(paths).toEqual(expected);
        },
      ),
      { numRuns: 16 },
    );
  });
});
