import { createReadStream } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { parse } from 'csv-parse';

export type ExportFormat = 'json' | 'ndjson' | 'csv';

export interface ExportRecord {
  readonly record: Readonly<Record<string, unknown>>;
  /** 1-based line of the record (CSV, NDJSON) or its 1-based index in the array (JSON). */
  readonly line: number;
}

export interface ExportStats {
  /** NDJSON lines that are not JSON objects: counted and skipped. */
  malformed: number;
}

/** Bytes looked at to tell the format. */
const HEAD_BYTES = 4096;

/**
 * Tells the format from the first bytes: `[` is a JSON array, `{` on a line that is a whole
 * JSON object is NDJSON, any other `{` is one JSON document (an API answer saved pretty-printed,
 * `{"messages": [...]}`), anything else is CSV with a header row.
 */
export async function detectFormat(path: string): Promise<ExportFormat> {
  const handle = await open(path, 'r');
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buf, 0, HEAD_BYTES, 0);
    const head = buf.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/, '');
    const first = head.trimStart();
    if (first.startsWith('[')) return 'json';
    if (!first.startsWith('{')) return 'csv';
    const line = first.split('\n', 1)[0] ?? '';
    try {
      JSON.parse(line);
      return 'ndjson';
    } catch {
      return 'json';
    }
  } finally {
    await handle.close();
  }
}

/** The records of an export file, streamed for NDJSON and CSV. */
export async function* readExport(path: string, format: ExportFormat, stats: ExportStats): AsyncGenerator<ExportRecord> {
  if (format === 'json') {
    const doc = JSON.parse((await readFile(path, 'utf8')).replace(/^\uFEFF/, '')) as unknown;
    let i = 0;
    for (const r of messagesOf(doc)) yield { record: r, line: ++i };
    return;
  }
  if (format === 'ndjson') {
    let n = 0;
    const rl = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
    for await (const raw of rl) {
      n++;
      const l = raw.replace(/^\uFEFF/, '').trim();
      if (l === '') continue;
      let doc: unknown;
      try {
        doc = JSON.parse(l);
      } catch {
        stats.malformed++;
        continue;
      }
      const records = messagesOf(doc);
      if (records.length === 0) stats.malformed++;
      for (const r of records) yield { record: r, line: n };
    }
    return;
  }
  const parser = createReadStream(path).pipe(
    parse({ columns: (header: string[]) => header.map((h) => h.trim()), bom: true, skip_empty_lines: true, relax_column_count: true, trim: true, info: true }),
  );
  for await (const row of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
    yield { record: row.record, line: row.info.lines };
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The message objects in a JSON document: an array of them, an API answer `{messages: [...]}`, or one message. */
export function messagesOf(doc: unknown): Array<Record<string, unknown>> {
  if (Array.isArray(doc)) return doc.filter(isObject);
  if (isObject(doc)) {
    const m = doc.messages;
    if (Array.isArray(m)) return m.filter(isObject);
    return [doc];
  }
  return [];
}
