import { DATA_AT, kernelBytes, TABLES_AT } from './kernel-module.js';

/**
 * Bytes the kernel looks at per call: data is copied into its memory in slices of this size.
 * 1 MiB: large enough that the per-slice calls vanish in the scan time, small enough to stay
 * in a core's L2 cache while JS verifies what the kernel flagged.
 */
export const SLICE_BYTES = 1024 * 1024;
/** Bytes after a slice the kernel may read (3-byte fingerprint past a 16-byte block) and more. */
export const SLICE_PAD = 64;

const PAGE = 64 * 1024;
const PAGES = Math.ceil((DATA_AT + SLICE_BYTES + SLICE_PAD) / PAGE);

interface KernelExports {
  count(from: number, to: number): number;
  find(from: number, to: number): number;
}

/**
 * The slice of the WebAssembly JS API used here. Node has it as a global, but @types/node
 * does not declare it without the DOM lib, which the project does not load.
 */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Memory: new (d: { initial: number; maximum: number }) => { buffer: ArrayBuffer };
  Instance: new (m: object, imports: object) => { exports: unknown };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let compiled: object | undefined;

const isExports = (x: unknown): x is KernelExports => {
  const e = x as Partial<Record<keyof KernelExports, unknown>>;
  return typeof e.count === 'function' && typeof e.find === 'function';
};

/**
 * One kernel instance with its own memory: the needle tables and one slice of data. Offsets
 * taken and returned are slice-relative. Synchronous compile is fine: the module is a few
 * hundred bytes. `find` flags nothing until tables are loaded.
 *
 * Several needle sets may take turns on one kernel, each loading its tables before its calls
 * (96 bytes): they then read the same data without copying it from one memory to another.
 */
export class Kernel {
  /** The slice area, SLICE_BYTES + SLICE_PAD long; callers copy data here before calling. */
  readonly slice: Buffer;
  private readonly fns: KernelExports;
  private readonly tables: Buffer;
  /** Whose tables are loaded: the `by` of the last load. */
  loadedBy: object | null = null;

  constructor() {
    compiled ??= new wasm.Module(kernelBytes(PAGES));
    const memory = new wasm.Memory({ initial: PAGES, maximum: PAGES });
    const exports = new wasm.Instance(compiled, { env: { memory } }).exports;
    if (!isExports(exports)) throw new Error('The prefilter kernel does not export count and find.');
    this.fns = exports;
    this.tables = Buffer.from(memory.buffer, TABLES_AT, DATA_AT - TABLES_AT);
    this.slice = Buffer.from(memory.buffer, DATA_AT, SLICE_BYTES + SLICE_PAD);
  }

  /**
   * Installs a needle plan's nibble tables (see needle-plan.ts) on behalf of `by`; takes effect
   * on the next call.
   */
  load(tables: Uint8Array, by: object): void {
    this.tables.set(tables);
    this.loadedBy = by;
  }

  /** Newlines in slice[from, to). */
  count(from: number, to: number): number {
    return to > from ? this.fns.count(DATA_AT + from, DATA_AT + to) : 0;
  }

  /** First flagged slice position ≥ from, or -1; may be ≥ to (then nothing in range). */
  find(from: number, to: number): number {
    const at = this.fns.find(DATA_AT + from, DATA_AT + to);
    return at < 0 ? -1 : at - DATA_AT;
  }
}
