import type { FunctionDef } from './wasm-encoder.js';
import { encodeModule, get, i32Const, OP, set, simd, SIMD, T, v128Const, v128Load } from './wasm-encoder.js';

/**
 * The prefilter's two WebAssembly SIMD loops, 16 bytes per step:
 *
 * - `count(from, to)`: newlines in memory[from, to). Compare with '\n', take the lane mask,
 *   popcount. Four blocks per turn of the loop, then single blocks, then single bytes.
 * - `find(from, to)`: the first position p ≥ from (in steps of two blocks) where some bucket's
 *   3-byte fingerprint matches, or -1. Teddy: for fingerprint byte k, look up the buckets that
 *   allow the byte's low nibble and those that allow its high nibble (i8x16.swizzle over 16-byte
 *   tables) and AND them; AND over k = 0, 1, 2 with the loads shifted by k. A flagged p may lie
 *   past `to` (the block's last lanes): callers check. Reads up to 34 bytes past `to`.
 *
 * The nibble tables sit at TABLES_AT in the memory, written by the caller before `find` runs.
 */

export const TABLES_AT = 0;
/** First byte callers may use for data; after the tables. */
export const DATA_AT = 128;

const P = 0; // param: position
const E = 1; // param: end
const N = 2; // count: running total

const nlEq = (offset: number): number[] => [
  ...get(P), ...v128Load(offset), ...get(3), ...simd(SIMD.eq8), ...simd(SIMD.bitmask8),
  OP.i32Popcnt, ...get(N), OP.i32Add, ...set(N),
];

const advance = (bytes: number): number[] => [...get(P), ...i32Const(bytes), OP.i32Add, ...set(P)];
/** br_if `depth` when end - p < bytes (unsigned; p never passes end in these loops). */
const exitWhenShort = (bytes: number, depth: number): number[] => [...get(E), ...get(P), OP.i32Sub, ...i32Const(bytes), OP.i32LtU, OP.brIf, depth];

const count: FunctionDef = {
  name: 'count',
  params: [T.i32, T.i32],
  results: [T.i32],
  locals: [T.i32, T.v128],
  body: [
    ...v128Const(new Array<number>(16).fill(0x0a)), ...set(3),
    OP.block, OP.void, OP.loop, OP.void,
    ...exitWhenShort(64, 1), ...nlEq(0), ...nlEq(16), ...nlEq(32), ...nlEq(48), ...advance(64), OP.br, 0,
    OP.end, OP.end,
    OP.block, OP.void, OP.loop, OP.void,
    ...exitWhenShort(16, 1), ...nlEq(0), ...advance(16), OP.br, 0,
    OP.end, OP.end,
    OP.block, OP.void, OP.loop, OP.void,
    ...get(P), ...get(E), OP.i32GeU, OP.brIf, 1,
    ...get(P), OP.i32Load8u, 0, 0, ...i32Const(0x0a), 0x46 /* i32.eq */, ...get(N), OP.i32Add, ...set(N),
    ...advance(1), OP.br, 0,
    OP.end, OP.end,
    ...get(N),
  ],
};

// find's locals: 2..7 the six nibble tables, 8 the 0x0f mask, 9 and 11 the two blocks' flags, 10 the bytes.
const TBL = 2;
const LOW = 8;
const R = 9;
const V = 10;
const R2 = 11;

/**
 * Buckets allowed by the bytes at p + k, for fingerprint byte k. The high nibble comes from a
 * 16-bit lane shift and a mask: x64 has no byte shift, so i8x16.shr_u would cost more.
 */
const lookup = (k: number, block: number): number[] => [
  ...get(TBL + 2 * k), ...get(P), ...v128Load(16 * block + k), OP.localTee, V, ...get(LOW), ...simd(SIMD.and), ...simd(SIMD.swizzle),
  ...get(TBL + 2 * k + 1), ...get(V), ...i32Const(4), ...simd(SIMD.shrU16), ...get(LOW), ...simd(SIMD.and), ...simd(SIMD.swizzle),
  ...simd(SIMD.and),
];

/** Flagged lanes of the block at p + 16 × block. */
const flags = (block: number): number[] => [...lookup(0, block), ...lookup(1, block), ...simd(SIMD.and), ...lookup(2, block), ...simd(SIMD.and)];

/** p + offset + index of the first non-zero lane of local `r`. */
const firstLane = (r: number, offset: number): number[] => [
  ...get(P), ...i32Const(offset), OP.i32Add,
  ...get(r), ...v128Const(new Array<number>(16).fill(0)), ...simd(SIMD.ne8), ...simd(SIMD.bitmask8), OP.i32Ctz, OP.i32Add,
];

const find: FunctionDef = {
  name: 'find',
  params: [T.i32, T.i32],
  results: [T.i32],
  locals: [T.v128, T.v128, T.v128, T.v128, T.v128, T.v128, T.v128, T.v128, T.v128, T.v128],
  body: [
    ...[0, 1, 2, 3, 4, 5].flatMap((t) => [...i32Const(TABLES_AT), ...v128Load(16 * t), ...set(TBL + t)]),
    ...v128Const(new Array<number>(16).fill(0x0f)), ...set(LOW),
    OP.block, OP.void, OP.loop, OP.void,
    ...get(P), ...get(E), OP.i32GeU, OP.brIf, 1,
    ...flags(0), OP.localTee, R, ...flags(1), OP.localTee, R2, ...simd(SIMD.or), ...simd(SIMD.anyTrue),
    OP.if, OP.void,
    ...get(R), ...simd(SIMD.anyTrue),
    OP.if, OP.void, ...firstLane(R, 0), OP.return, OP.end,
    ...firstLane(R2, 16), OP.return,
    OP.end,
    ...advance(32), OP.br, 0,
    OP.end, OP.end,
    ...i32Const(-1),
  ],
};

/** The kernel's bytes; the memory is imported so one instance serves one memory. */
export const kernelBytes = (minPages: number): Uint8Array => encodeModule(minPages, [count, find]);
