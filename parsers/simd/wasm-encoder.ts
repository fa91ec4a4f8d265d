/**
 * Just enough of the WebAssembly binary format to emit the prefilter's kernel: one imported
 * memory, a few functions over i32 and v128, their exports. The kernel is written as opcode
 * lists in kernel-module.ts and assembled here at start-up, so the repository holds the source of
 * every byte and no build step or toolchain is needed. Format: the WebAssembly core spec,
 * "Binary Format" chapter, plus the fixed-width SIMD proposal (0xfd-prefixed opcodes).
 */

/** Unsigned LEB128, as used for counts, indices and SIMD opcode numbers. */
export const uleb = (n: number): number[] => {
  const out: number[] = [];
  let v = n >>> 0;
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return out;
};

/** Signed LEB128, as used by i32.const. */
export const sleb = (n: number): number[] => {
  const out: number[] = [];
  let v = n | 0;
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0);
    out.push(done ? b : b | 0x80);
    if (done) return out;
  }
};

export const T = { i32: 0x7f, v128: 0x7b } as const;
export type ValType = (typeof T)[keyof typeof T];

/** Scalar opcodes used by the kernel. */
export const OP = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  return: 0x0f,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Load8u: 0x2d,
  i32Const: 0x41,
  i32Eqz: 0x45,
  i32LtU: 0x49,
  i32GeU: 0x4f,
  i32Ctz: 0x68,
  i32Popcnt: 0x69,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  /** Block type for a block or loop that yields nothing. */
  void: 0x40,
} as const;

/** SIMD opcodes (after the 0xfd prefix, LEB128-encoded). */
export const SIMD = {
  load: 0x00,
  const: 0x0c,
  swizzle: 0x0e,
  splat8: 0x0f,
  eq8: 0x23,
  ne8: 0x24,
  and: 0x4e,
  or: 0x50,
  anyTrue: 0x53,
  bitmask8: 0x64,
  shrU8: 0x6d,
  shrU16: 0x8d,
} as const;

export const simd = (op: number): number[] => [0xfd, ...uleb(op)];
/** v128.load with a byte-aligned memarg (alignment is only a hint; offset 0 unless given). */
export const v128Load = (offset = 0): number[] => [...simd(SIMD.load), 0, ...uleb(offset)];
export const v128Const = (bytes: readonly number[]): number[] => {
  if (bytes.length !== 16) throw new RangeError(`v128.const takes 16 bytes, got ${bytes.length}.`);
  return [...simd(SIMD.const), ...bytes];
};
export const i32Const = (n: number): number[] => [OP.i32Const, ...sleb(n)];
export const get = (i: number): number[] => [OP.localGet, ...uleb(i)];
export const set = (i: number): number[] => [OP.localSet, ...uleb(i)];

export interface FunctionDef {
  readonly name: string;
  readonly params: readonly ValType[];
  readonly results: readonly ValType[];
  /** Locals beyond the parameters, in order. */
  readonly locals: readonly ValType[];
  /** The body's instructions, without the final `end`. */
  readonly body: readonly number[];
}

const vec = (items: readonly (readonly number[])[]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, payload: readonly number[]): number[] => [id, ...uleb(payload.length), ...payload];
const name = (s: string): number[] => vec([...Buffer.from(s, 'utf8')].map((b) => [b]));

/**
 * A module importing `env.memory` (at least `minPages` 64 KiB pages) and exporting each function
 * under its name. Each function gets its own type entry; there are only a few.
 */
export const encodeModule = (minPages: number, fns: readonly FunctionDef[]): Uint8Array => {
  const types = fns.map((f) => [0x60, ...vec(f.params.map((p) => [p])), ...vec(f.results.map((r) => [r]))]);
  const memoryImport = [...name('env'), ...name('memory'), 0x02, 0x00, ...uleb(minPages)];
  const funcs = fns.map((_, i) => uleb(i));
  const exports = fns.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]);
  const codes = fns.map((f) => {
    const locals = vec(f.locals.map((t) => [1, t]));
    const body = [...locals, ...f.body, OP.end];
    return [...uleb(body.length), ...body];
  });
  const bytes = [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec(types)),
    ...section(2, vec([memoryImport])),
    ...section(3, vec(funcs)),
    ...section(7, vec(exports)),
    ...section(10, vec(codes)),
  ];
  return Uint8Array.from(bytes);
};
