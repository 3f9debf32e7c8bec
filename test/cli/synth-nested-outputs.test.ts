/**
 * Two synth outputs, one inside the other (`--out a` and `--out a/kafka`, `kafka` being one of the
 * component folders of the first): each file belongs to the output whose manifest lists it, and a
 * run never replaces or removes a file that another output's manifest lists, whichever of the two
 * runs first. Before, the second run found no manifest of its own, took every file that carries
 * synth's generated header as its own (the rule for outputs written before manifests existed) and
 * overwrote the other output's `kustomization.yaml`; the other output then refused every re-run
 * ("edited after synth wrote it") and its GitOps sync applied the wrong objects. Real CLI runs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MANIFEST_FILE } from '../../charts/output';
import { synth, tree } from './synth-run';

const DEV = 'stacks/dev.yaml';
const PROD = 'stacks/prod.yaml';

describe('synth outputs nested in one another', () => {
  const work = mkdtempSync(join(tmpdir(), 'synth-nested-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('refuses an --out inside another output where that output has files (exit 1), writing nothing', () => {
    const outer = join(work, 'outer-first');
    expect(synth(['--config', PROD, '--out', outer]).status).toBe(0);
    const before = tree(outer);
    const inner = join(outer, 'kafka');
    const result = synth(['--config', DEV, '--out', inner]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      `kustomization.yaml: is listed in ${join(outer, MANIFEST_FILE)}, the manifest of another synth output`,
    );
    expect(result.stderr).toMatch(/Nothing was written\.\n$/);
    expect(tree(outer)).toEqual(before);
    // The outer output is still its own: a re-run succeeds and changes nothing.
    expect(synth(['--config', PROD, '--out', outer]).status).toBe(0);
    expect(tree(outer)).toEqual(before);
  });

  it('refuses an --out that holds another output where it would write (exit 1), writing nothing', () => {
    const outer = join(work, 'inner-first');
    const inner = join(outer, 'kafka');
    expect(synth(['--config', DEV, '--out', inner]).status).toBe(0);
    const before = tree(outer);
    const result = synth(['--config', PROD, '--out', outer]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      `kafka/kustomization.yaml: is listed in ${join(inner, MANIFEST_FILE)}, the manifest of another synth output`,
    );
    expect(tree(outer)).toEqual(before);
    expect(synth(['--config', DEV, '--out', inner]).status).toBe(0);
    expect(tree(outer)).toEqual(before);
  });

  it('writes both where their files do not meet (a/ and a/staging/), and re-runs of both', () => {
    const outer = join(work, 'apart');
    const inner = join(outer, 'staging');
    expect(synth(['--config', PROD, '--out', outer]).status).toBe(0);
    expect(synth(['--config', DEV, '--out', inner]).status).toBe(0);
    const both = tree(outer);
    expect(synth(['--config', PROD, '--out', outer]).status).toBe(0);
    expect(synth(['--config', DEV, '--out', inner]).status).toBe(0);
    expect(tree(outer)).toEqual(both);
  });
});
