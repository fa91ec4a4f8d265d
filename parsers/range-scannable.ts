import type { StreamScanner } from '../src/contracts.js';
import type { LookupObserver, SubmitterMemory } from './mta-correlation.js';

/**
 * What a scan that cuts a file into ranges (`scan --threads`, src/scan-threads/) needs from a
 * scanner beyond StreamScanner: to tell whether a scanner started part-way into the file
 * reached a range's start in the state a scan from the file's start has there, and to give it
 * that scan's MTA memory. ByteStreamScanner has it; a file whose scanner lacks it is scanned
 * from its start.
 */
export interface RangeScannable extends StreamScanner {
  /**
   * The state carried from one line to the next, serialized: equal for two scanners of one
   * stream at one offset exactly when they go on to find the same, whatever line each started at.
   */
  carriedState(): string;
  /** Queue ids the scanner's own MTA memory keeps; a memory attached in its place must keep as many, oldest out first. */
  readonly correlationCapacity: number;
  /** Puts `memory` in place of the MTA correlator's own and hands `observer` every lookup (MtaCorrelator.attach). */
  attachCorrelation(memory: SubmitterMemory, observer?: LookupObserver | null): void;
}

export const isRangeScannable = (s: StreamScanner): s is RangeScannable =>
  'carriedState' in s && 'correlationCapacity' in s && 'attachCorrelation' in s;
