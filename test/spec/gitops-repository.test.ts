/** `gitops.repository`: the Git URL, branch and credentials `pulumi up` bootstraps the engine with. */
import fc from 'fast-check';
import { parseSpec } from '../../spec';
import { gitUrlKind, scpToSshUrl } from '../../spec/rules';
import type { PlatformSpecInput } from '../../spec/schema';
import { specInput, specProblems as problemsOf } from '../util/specs';

type Gitops = NonNullable<PlatformSpecInput['gitops']>;

function withGitops(gitops: Gitops): PlatformSpecInput {
  return { ...specInput(3, 2), gitops };
}

/** Messages of the problems of a spec (`path: message`); empty when it is valid. */

function warningsOf(input: PlatformSpecInput): string[] {
  return parseSpec(input).warnings.map(w => `${w.path}: ${w.message}`);
}

describe('gitops.repository defaults', () => {
  it('syncs branch main and names no Secret unless told', () => {
    const { spec } = parseSpec(
      withGitops({ engine: 'flux', repository: { url: 'https://github.com/acme/platform.git' } }),
    );
    expect(spec.gitops.repository).toEqual({
      url: 'https://github.com/acme/platform.git',
      branch: 'main',
    });
  });

  it('is absent by default', () => {
    expect(parseSpec(withGitops({ engine: 'argocd' })).spec.gitops.repository).toBeUndefined();
  });
});

describe('gitops.repository rules', () => {
  it('throws when a repository is given without an engine', () => {
    expect(
      problemsOf(
        withGitops({ engine: 'none', repository: { url: 'https://github.com/acme/p.git' } }),
      ),
    ).toEqual([
      'gitops.repository: is set ("https://github.com/acme/p.git"), but gitops.engine is none, so no engine would sync from it; set gitops.engine to flux or argocd, or remove gitops.repository',
    ]);
  });

  it.each([
    'github.com/acme/platform',
    'https://',
    'https://github.com',
    'ftp://host/repo.git',
    'https://github.com/acme/my repo.git',
  ])('throws when the URL is not a Git URL (%p)', url => {
    expect(problemsOf(withGitops({ engine: 'flux', repository: { url } }))).toEqual([
      `gitops.repository.url: ${JSON.stringify(url)} is not a Git URL with a host and a repository path; write one like https://github.com/acme/platform.git or ssh://git@github.com/acme/platform.git`,
    ]);
  });

  it('throws when the URL is plain http, suggesting https', () => {
    expect(
      problemsOf(withGitops({ engine: 'argocd', repository: { url: 'http://git.acme/p.git' } })),
    ).toEqual([
      'gitops.repository.url: "http://git.acme/p.git" uses plain http, which sends the repository and its credentials unencrypted; use "https://git.acme/p.git" or an ssh:// URL',
    ]);
  });

  it('throws when Flux is given an scp-like address, with the ssh:// form to use', () => {
    expect(
      problemsOf(
        withGitops({
          engine: 'flux',
          repository: { url: 'git@github.com:acme/platform.git', secretName: 'repo-key' },
        }),
      ),
    ).toEqual([
      'gitops.repository.url: "git@github.com:acme/platform.git" is an scp-like address, which Flux\'s GitRepository does not accept (only http(s):// and ssh://); write it as "ssh://git@github.com/acme/platform.git"',
    ]);
  });

  it('accepts an scp-like address with Argo CD', () => {
    expect(
      problemsOf(
        withGitops({ engine: 'argocd', repository: { url: 'git@github.com:acme/platform.git' } }),
      ),
    ).toEqual([]);
  });

  it('throws when Flux clones over ssh without a key Secret', () => {
    expect(
      problemsOf(
        withGitops({ engine: 'flux', repository: { url: 'ssh://git@github.com/acme/p.git' } }),
      ),
    ).toEqual([
      'gitops.repository.secretName: is required with the ssh URL "ssh://git@github.com/acme/p.git": Flux clones over ssh only with a key; create a Secret with identity and known_hosts in the Flux namespace and name it here, or use an https:// URL for a public repository',
    ]);
  });

  it.each(['feature branch', '-main', 'main/', 'a..b', 'rel~1', 'x.lock', ''])(
    'throws when the branch is not a Git branch name (%p)',
    branch => {
      expect(
        problemsOf(
          withGitops({
            engine: 'flux',
            repository: { url: 'https://github.com/acme/p.git', branch },
          }),
        ),
      ).toEqual([
        `gitops.repository.branch: ${JSON.stringify(branch)} is not a Git branch name (no spaces, '..', '~', '^', ':', '?', '*', '[', '\\', and no leading '-' or trailing '/' or '.lock'); use one like "main"`,
      ]);
    },
  );

  it('throws when the Secret name is not a Kubernetes object name', () => {
    expect(
      problemsOf(
        withGitops({
          engine: 'flux',
          repository: { url: 'https://github.com/acme/p.git', secretName: 'Repo_Auth' },
        }),
      ),
    ).toEqual([
      'gitops.repository.secretName: "Repo_Auth" is not a Secret name (a DNS-1123 subdomain: lower-case letters, digits, \'-\' and \'.\'); use the name of your existing Secret, for example "platform-repo-auth"',
    ]);
  });

  it('throws when Argo CD is given a Secret name, saying how Argo CD finds credentials', () => {
    expect(
      problemsOf(
        withGitops({
          engine: 'argocd',
          repository: { url: 'https://github.com/acme/p.git', secretName: 'repo-auth' },
        }),
      ),
    ).toEqual([
      'gitops.repository.secretName: "repo-auth" cannot be used: Argo CD finds repository credentials by URL, not by Secret name; remove it and label your Secret argocd.argoproj.io/secret-type: repository with url "https://github.com/acme/p.git" in the Argo CD namespace (docs/gitops.md)',
    ]);
  });

  it('throws when an unknown key is given', () => {
    const problems = problemsOf(
      withGitops({
        engine: 'flux',
        repository: { url: 'https://github.com/acme/p.git', revision: 'main' } as never,
      }),
    );
    expect(problems.join('\n')).toContain('gitops.repository');
    expect(problems.join('\n')).toContain('revision');
  });

  it('accepts the URL forms each engine can clone', () => {
    for (const [engine, url, secretName] of [
      ['flux', 'https://github.com/acme/platform.git', undefined],
      ['flux', 'https://gitlab.example.com/group/sub/platform', 'repo-auth'],
      ['flux', 'ssh://git@github.com/acme/platform.git', 'repo-key'],
      ['flux', 'ssh://git@git.example.com:2222/acme/platform.git', 'repo-key'],
      ['argocd', 'https://github.com/acme/platform.git', undefined],
      ['argocd', 'ssh://git@github.com/acme/platform.git', undefined],
    ] as const) {
      expect(
        problemsOf(
          withGitops({
            engine,
            repository: { url, ...(secretName === undefined ? {} : { secretName }) },
          }),
        ),
      ).toEqual([]);
    }
  });
});

describe('gitops.repository warnings', () => {
  it.each([
    ['flux', 'Flux'],
    ['argocd', 'Argo CD'],
  ] as const)('%s without a repository warns that pulumi up installs no engine', (engine, name) => {
    expect(warningsOf(withGitops({ engine }))).toContain(
      `gitops.repository: is not set, so pulumi up installs no ${name} and nothing applies the synth output until you bootstrap ${name} yourself and point it at gitops.path (docs/gitops.md); set gitops.repository.url to have pulumi up install ${name} and sync from that repository`,
    );
  });

  it('does not warn with a repository, or without an engine', () => {
    const quiet = [
      withGitops({ engine: 'flux', repository: { url: 'https://github.com/acme/p.git' } }),
      withGitops({ engine: 'none' }),
    ];
    for (const input of quiet) {
      expect(warningsOf(input).filter(w => w.startsWith('gitops.'))).toEqual([]);
    }
  });
});

describe('gitUrlKind', () => {
  it('classifies every https URL with a host and a path as https', () => {
    const segment = fc.stringMatching(/^[a-z0-9][a-z0-9_.-]{0,15}$/);
    fc.assert(
      fc.property(fc.domain(), fc.array(segment, { minLength: 1, maxLength: 4 }), (host, path) => {
        expect(gitUrlKind(`https://${host}/${path.join('/')}`)).toBe('https');
      }),
    );
  });

  it('turns every scp-like address into an ssh:// URL with the same user, host and path', () => {
    const segment = fc.stringMatching(/^[a-z0-9][a-z0-9_.-]{0,15}$/);
    fc.assert(
      fc.property(fc.domain(), fc.array(segment, { minLength: 1, maxLength: 4 }), (host, path) => {
        const scp = `git@${host}:${path.join('/')}`;
        expect(gitUrlKind(scp)).toBe('scp');
        const ssh = scpToSshUrl(scp);
        expect(gitUrlKind(ssh)).toBe('ssh');
        const parsed = new URL(ssh);
        expect([parsed.username, parsed.hostname, parsed.pathname]).toEqual([
          'git',
          host,
          `/${path.join('/')}`,
        ]);
      }),
    );
  });
});

describe('gitops.path', () => {
  it.each(['./dist', 'clusters/prod/kafka', './clusters/prod/kafka', '.'])('accepts %s', path => {
    expect(problemsOf(withGitops({ engine: 'flux', path }))).toEqual([]);
  });

  it.each(['./dist/', '/abs/path', 'a//b', 'my path', ''])(
    'refuses %j, saying what a path may hold',
    path => {
      expect(problemsOf(withGitops({ engine: 'flux', path }))).toEqual([
        `gitops.path: ${JSON.stringify(path)}: must be a relative folder path such as ./clusters/prod/kafka: letters, digits, ".", "_", "-" and single "/" between names, no leading or trailing "/", no spaces`,
      ]);
    },
  );

  it.each(['../up', './a/../b'])('refuses %s, which leaves the repository', path => {
    expect(problemsOf(withGitops({ engine: 'flux', path }))).toEqual([
      `gitops.path: ${JSON.stringify(path)}: must stay inside the repository; remove the .. segments`,
    ]);
  });
});
