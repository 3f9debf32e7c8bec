/**
 * The encodings a spec file arrives in. YAML 1.2 (section 5.2, "Character Encodings") requires a
 * reader to accept UTF-8 and UTF-16, told apart by a byte order mark or by the zero bytes of the
 * first character; Windows PowerShell 5.1 writes UTF-16LE with a mark by default (`>`, `Out-File`).
 * Before, such a file failed as "the spec must be a mapping" with the whole document, zero bytes
 * and all, as the value; and a file in a legacy 8-bit encoding (Windows-1252 `é`) was read with
 * U+FFFD in place of the bad bytes, which could reach the output unseen.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { SpecError } from '../../spec/errors';
import { loadSpecFile } from '../../spec/load';

const ROOT = join(__dirname, '..', '..');
const DEV = loadSpecFile(join(ROOT, 'stacks', 'dev.yaml'));

function specText(topic: string): string {
  return [
    'name: orders-dev',
    'region: us-east-1',
    'zones: [us-east-1a, us-east-1b, us-east-1c]',
    'kafka:',
    '  brokers: 3',
    '  topics:',
    `    - { name: ${topic}, partitions: 6, config: { "compression.type": producer } }`,
    '  config: {}',
    `# a comment with non-ASCII text: ${'café 東京 ✓'}`,
    '',
  ].join('\n');
}

type Encoding = 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16le-bom' | 'utf-16be' | 'utf-16be-bom';

function encode(text: string, encoding: Encoding, crlf: boolean): Buffer {
  const body = crlf ? text.replace(/\n/g, '\r\n') : text;
  const le = Buffer.from(body, 'utf16le');
  const be = Buffer.from(le).swap16();
  switch (encoding) {
    case 'utf-8':
      return Buffer.from(body, 'utf8');
    case 'utf-8-bom':
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(body, 'utf8')]);
    case 'utf-16le':
      return le;
    case 'utf-16le-bom':
      return Buffer.concat([Buffer.from([0xff, 0xfe]), le]);
    case 'utf-16be':
      return be;
    case 'utf-16be-bom':
      return Buffer.concat([Buffer.from([0xfe, 0xff]), be]);
  }
}

function write(bytes: Buffer): string {
  const file = join(mkdtempSync(join(tmpdir(), 'spec-encoding-')), 'spec.yaml');
  writeFileSync(file, bytes);
  return file;
}

describe('spec file encodings', () => {
  it('property: UTF-8 and UTF-16 (either order, with or without a mark, LF or CRLF) read the same spec', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z][a-z0-9._-]{0,20}$/),
        fc.constantFrom<Encoding>(
          'utf-8',
          'utf-8-bom',
          'utf-16le',
          'utf-16le-bom',
          'utf-16be',
          'utf-16be-bom',
        ),
        fc.boolean(),
        (topic, encoding, crlf) => {
          const reference = loadSpecFile(write(encode(specText(topic), 'utf-8', false)));
          const loaded = loadSpecFile(write(encode(specText(topic), encoding, crlf)));
          expect(loaded.spec).toEqual(reference.spec);
          expect(loaded.spec.kafka.topics[0]?.name).toBe(topic);
        },
      ),
      { numRuns: 60 },
    );
    expect(DEV.spec.name).toBe('orders-dev');
  });

  it('refuses UTF-32 with one line naming the encoding and the fix', () => {
    const utf32le = Buffer.alloc(8);
    utf32le.writeUInt32LE(0xfeff, 0);
    utf32le.writeUInt32LE(0x6e, 4); // "n"
    expect(() => loadSpecFile(write(utf32le))).toThrow(SpecError);
    expect(() => loadSpecFile(write(utf32le))).toThrow(/UTF-32.*save it as UTF-8/);
  });

  it('refuses bytes that are not UTF-8 (a Windows-1252 é), naming the line and the fix', () => {
    const text = Buffer.concat([
      // "name: orders-dev\n" and "region: us-east-1\n", then "zones" on line 3
      Buffer.from(specText('orders').replace('café', 'caf'), 'utf8').subarray(0, 40),
      Buffer.from([0xe9]), // é in Windows-1252 / Latin-1
      Buffer.from('\n', 'utf8'),
    ]);
    expect(() => loadSpecFile(write(text))).toThrow(SpecError);
    expect(() => loadSpecFile(write(text))).toThrow(/not valid UTF-8 .*line 3.*save it as UTF-8/);
  });

  it('keeps the message short when a file is no mapping: no whole document as the value', () => {
    const junk = Buffer.from('x'.repeat(5000), 'utf8');
    let message = '';
    try {
      loadSpecFile(write(junk));
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('the spec must be a mapping');
    expect(message.length).toBeLessThan(600);
  });
});
