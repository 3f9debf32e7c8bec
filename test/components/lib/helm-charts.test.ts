import { addonVersionsFor, ADDON_VERSIONS } from '../../../components/lib/addon-versions';
import { HELM_RELEASES, isExactVersion } from '../../../components/lib/helm-charts';

describe('HELM_RELEASES', () => {
  it.each(Object.entries(HELM_RELEASES))('%s is pinned to an exact version', (_key, release) => {
    expect(isExactVersion(release.version)).toBe(true);
    expect(release.repo).toMatch(/^https:\/\//);
  });
});

describe('isExactVersion', () => {
  it.each(['1.2.0', 'v1.21.1', '1.0.0-rc.1'])('accepts %s', v =>
    expect(isExactVersion(v)).toBe(true),
  );
  it.each(['^1.2.0', '~1.2', '1.x', '*', 'latest', '>=1.0.0'])('rejects %s', v =>
    expect(isExactVersion(v)).toBe(false),
  );
});

describe('addonVersionsFor', () => {
  it.each(Object.keys(ADDON_VERSIONS))('pins every add-on for Kubernetes %s', version => {
    for (const pin of Object.values(addonVersionsFor(version))) {
      expect(pin).toMatch(/^v\d+\.\d+\.\d+-eksbuild\.\d+$/);
    }
  });

  it('throws naming the supported versions for an unknown one', () => {
    expect(() => addonVersionsFor('1.20')).toThrow(
      'cluster.kubernetesVersion: no add-on versions are pinned for "1.20"; use one of 1.33, 1.34',
    );
  });
});
