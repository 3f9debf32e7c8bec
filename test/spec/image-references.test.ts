/**
 * Class: a container image field the spec passes to a Deployment that a container runtime cannot
 * parse. The API server takes any string; the kubelet parses the reference with the distribution
 * `reference` grammar and the pod stays in InvalidImageName ("invalid reference format: repository
 * name must be lowercase", jupyterhub/zero-to-jupyterhub-k8s#472, galaxyproject/galaxy#9733). The
 * digest part is validated too (opencontainers/go-digest `Validate`: sha256, sha384 and sha512 with
 * exactly 64, 96 and 128 lower-case hex digits; anything else is "invalid checksum digest length"
 * or "unsupported digest algorithm"). `controller.image` and `descheduler.image` were checked, but
 * `drainCleaner.image` was not, and a short digest passed in all three.
 */
import fc from 'fast-check';
import { keysAt } from '../../spec/load';
import { platformSpecSchema, type PlatformSpecInput } from '../../spec/schema';
import { specInput, specProblems } from '../util/specs';
import { DESCHEDULER_IMAGE, DRAIN_CLEANER_IMAGE } from '../../charts/operators/versions';

/** Every `image` field of the schema, as a dotted path (walking object fields only). */
function imageFields(path: string[] = []): string[] {
  return keysAt(platformSpecSchema, path).flatMap(key =>
    key === 'image' ? [[...path, key].join('.')] : imageFields([...path, key]),
  );
}

function withImage(field: string, image: string): PlatformSpecInput {
  const [section] = field.split('.');
  const base = specInput(3, 1) as Record<string, unknown>;
  const current = (base[section ?? ''] ?? {}) as Record<string, unknown>;
  return { ...base, [section ?? '']: { ...current, image } } as PlatformSpecInput;
}

const imageProblems = (field: string, image: string): string[] =>
  specProblems(withImage(field, image)).filter(problem => problem.startsWith(`${field}:`));

const DIGEST_64 = 'a'.repeat(64);

describe('class: an image reference a container runtime cannot parse', () => {
  it('finds the three image fields of the schema', () => {
    expect(imageFields().sort()).toEqual([
      'controller.image',
      'descheduler.image',
      'drainCleaner.image',
    ]);
  });

  it('accepts the pinned default images written out (a tag and a sha256 digest)', () => {
    expect(imageProblems('descheduler.image', DESCHEDULER_IMAGE)).toEqual([]);
    expect(imageProblems('drainCleaner.image', DRAIN_CLEANER_IMAGE)).toEqual([]);
  });

  it('throws when drainCleaner.image has an upper-case repository (galaxy#9733)', () => {
    expect(imageProblems('drainCleaner.image', 'quay.io/Strimzi/drain-cleaner:1.4.0')).toEqual([
      'drainCleaner.image: "quay.io/Strimzi/drain-cleaner:1.4.0" is not an image reference a container runtime can pull; write one like "registry.example.com/team/kafka-autoscaler:1.0.0" (lower-case repository path, no spaces)',
    ]);
  });

  it('throws when a digest is not as long as its algorithm needs', () => {
    expect(
      imageProblems('controller.image', `ghcr.io/acme/controller@sha256:${'a'.repeat(32)}`),
    ).toEqual([
      `controller.image: "ghcr.io/acme/controller@sha256:${'a'.repeat(32)}" has a digest the runtime refuses ("invalid checksum digest length" or "unsupported digest algorithm"); write sha256: and 64 lower-case hex digits (or sha384: 96, sha512: 128), as the registry shows it`,
    ]);
  });

  it('property: every image field refuses an upper-case path or a bad digest, and accepts valid references', () => {
    const fields = imageFields();
    const digest = fc.oneof(
      fc.constant(`@sha256:${DIGEST_64}`),
      fc.constant(`@sha512:${'0'.repeat(128)}`),
      fc.constant(''),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...fields),
        fc.constantFrom('quay.io/strimzi/drain-cleaner', 'registry.k8s.io/x/y', 'localhost:5000/a'),
        fc.constantFrom(':1.4.0', ':v0.33.0', ''),
        digest,
        (field, name, tag, suffix) => {
          expect(imageProblems(field, `${name}${tag}${suffix}`)).toEqual([]);
          expect(imageProblems(field, `${name.toUpperCase()}${tag}${suffix}`)).toHaveLength(1);
          expect(imageProblems(field, `${name}${tag}@sha256:${DIGEST_64.slice(1)}`)).toHaveLength(
            1,
          );
          expect(
            imageProblems(field, `${name}${tag}@sha256:${DIGEST_64.toUpperCase()}`),
          ).toHaveLength(1);
          expect(imageProblems(field, `${name}${tag}@md5:${DIGEST_64}`)).toHaveLength(1);
        },
      ),
      { numRuns: 40 },
    );
  });
});
