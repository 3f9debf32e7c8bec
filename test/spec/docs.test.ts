import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { specReferenceRows, withSpecReference } from '../../spec/docs';

describe('spec reference', () => {
  it('documents every key with its default', () => {
    const rows = specReferenceRows();
    expect(rows.map(r => r.path)).toEqual(
      expect.arrayContaining([
        'name',
        'kafka.brokers',
        'kafka.external.allowedCidrs',
        'autoscaling.mode',
      ]),
    );
    for (const row of rows) expect(row.description).not.toBe('');
  });

  it('README.md carries the current table (run `npm run docs` after changing the schema)', () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    expect(withSpecReference(readme)).toBe(readme);
  });
});
