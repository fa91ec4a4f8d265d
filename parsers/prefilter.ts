/**
 * Byte-level candidate search. Each needle is searched over the whole region with
 * Buffer.indexOf (native, vectorised), so the cost is a few passes of memory bandwidth no matter
 * how many lines there are; the line around each hit is found with lastIndexOf/indexOf(0x0a).
 * Nothing here decodes text.
 */

const NL = 0x0a;

/**
 * Start offsets (within `buf`) of the lines in [from, to) that contain a needle, ascending and
 * unique. `to` must be just past a newline or the end of the data: lines never straddle it.
 */
export const candidateLineStarts = (buf: Buffer, from: number, to: number, needles: readonly Buffer[]): number[] => {
  const starts: number[] = [];
  const region = from === 0 && to === buf.length ? buf : buf.subarray(from, to);
  for (const needle of needles) {
    let at = region.indexOf(needle);
    while (at !== -1) {
      const nlBefore = at === 0 ? -1 : region.lastIndexOf(NL, at - 1);
      starts.push(from + nlBefore + 1);
      const nlAfter = region.indexOf(NL, at + needle.length);
      if (nlAfter === -1) break;
      at = region.indexOf(needle, nlAfter + 1);
    }
  }
  if (needles.length > 1 && starts.length > 1) {
    starts.sort((a, b) => a - b);
    let w = 1;
    for (let r = 1; r < starts.length; r++) if (starts[r] !== starts[w - 1]) starts[w++] = starts[r] as number;
    starts.length = w;
  }
  return starts;
};

/** Whether `line` (one line's bytes) holds any needle: for lines stitched across chunks. */
export const hasNeedle = (line: Buffer, needles: readonly Buffer[]): boolean => {
  for (const needle of needles) if (line.includes(needle)) return true;
  return false;
};

/**
 * Whether a candidate line is binary rather than text: a NUL byte, or more than 1 in 8 bytes
 * being C0 controls other than tab/CR/ESC or DEL.
 */
export const looksBinary = (line: Buffer): boolean => {
  if (line.includes(0)) return true;
  let controls = 0;
  for (let i = 0; i < line.length; i++) {
    const b = line[i] as number;
    if ((b < 0x20 && b !== 0x09 && b !== 0x0d && b !== 0x1b && b !== 0x0c) || b === 0x7f) controls++;
  }
  return controls * 8 > line.length;
};
