import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { scanAll } from './helpers.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');
interface Label {
  line: number;
  kind: string;
  provider: string;
  service: string;
  serviceVia: string;
}
const labels = JSON.parse(readFileSync(join(fixtures, 'labels.json'), 'utf8')) as Record<string, Label[]>;
const files = readdirSync(join(fixtures, 'corpus')).filter((f) => f.endsWith('.log')).sort();

describe('labelled corpus', () => {
  it('labels every corpus file', () => {
    expect(Object.keys(labels).sort()).toEqual(files);
  });

  it.each(files)('%s: detections equal the labels exactly', (file) => {
    const name = file.replace(/\.log$/, '');
    const { detections } = scanAll(readFileSync(join(fixtures, 'corpus', file)), 0, {}, { source: name });
    const got = detections.map((d) => ({ line: d.line, kind: d.kind, provider: d.provider, service: d.service, serviceVia: d.serviceVia }));
    expect(got).toEqual(labels[file]);
  });

  it.each(files)('%s: same detections in 7-byte chunks', (file) => {
    const name = file.replace(/\.log$/, '');
    const bytes = readFileSync(join(fixtures, 'corpus', file));
    expect(scanAll(bytes, 7, {}, { source: name }).detections).toEqual(scanAll(bytes, 0, {}, { source: name }).detections);
  });
});
