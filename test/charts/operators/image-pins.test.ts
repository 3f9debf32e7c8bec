import fc from 'fast-check';
import {
  DESCHEDULER_IMAGE,
  DRAIN_CLEANER_IMAGE,
  THIRD_PARTY_IMAGE_PINS,
  imageReference,
  type ImagePin,
} from '../../../charts/operators/versions';

const DIGEST = /^sha256:[0-9a-f]{64}$/;

describe('third-party image pins', () => {
  test.each(THIRD_PARTY_IMAGE_PINS.map(pin => [pin.repository, pin] as const))(
    '%s: a release tag, and a digest or the written reason why not',
    (_repository, pin) => {
      expect(pin.tag).not.toBe('latest');
      expect(pin.tag).toMatch(/^v?\d+\.\d+\.\d+$/);
      if (pin.digest === undefined) {
        expect(pin.digestUnverified).toMatch(/crane digest/);
        expect(pin.digestSource).toBeUndefined();
      } else {
        expect(pin.digest).toMatch(DIGEST);
        expect(pin.digestSource).toMatch(/\S/);
        expect(pin.digestUnverified).toBeUndefined();
      }
    },
  );

  test('the descheduler is pinned by the index digest its promotion recorded', () => {
    // kubernetes/k8s.io#9513; the per-architecture images have other digests.
    expect(DESCHEDULER_IMAGE).toBe(
      'registry.k8s.io/descheduler/descheduler:v0.36.0@' +
        'sha256:7ca92c0a7b4f1c51d306409da6b832005fcadb224e384795646376726734c6e5',
    );
  });

  test('the charts default to exactly these pins', () => {
    expect(THIRD_PARTY_IMAGE_PINS.map(imageReference)).toEqual([
      DESCHEDULER_IMAGE,
      DRAIN_CLEANER_IMAGE,
    ]);
  });

  test('a reference is repository:tag, with @digest exactly when the digest is known', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('quay.io/strimzi/drain-cleaner', 'registry.k8s.io/a/b'),
        fc.tuple(fc.nat(20), fc.nat(20), fc.nat(20)).map(([a, b, c]) => `${a}.${b}.${c}`),
        fc.option(fc.uint8Array({ minLength: 32, maxLength: 32 }), { nil: undefined }),
        (repository, tag, bytes) => {
          const digest =
            bytes === undefined ? undefined : `sha256:${Buffer.from(bytes).toString('hex')}`;
          const pin: ImagePin = { repository, tag, digest };
          const reference = imageReference(pin);
          expect(reference.startsWith(`${repository}:${tag}`)).toBe(true);
          expect(reference.endsWith(digest === undefined ? `:${tag}` : `@${digest}`)).toBe(true);
          expect(reference.split('@')).toHaveLength(digest === undefined ? 1 : 2);
        },
      ),
    );
  });
});
