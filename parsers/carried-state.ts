import { createHash } from 'node:crypto';

/**
 * What a part of a stream scanner reports of the state it carries from one line to the next (see
 * ByteStreamScanner.carriedState): plain JSON, so that two images are equal exactly when their
 * serializations are. Ordered collections stay arrays in their order, which decides what is
 * evicted first.
 */
export type StateImage = null | boolean | number | string | readonly StateImage[] | { readonly [key: string]: StateImage };

/** Bytes as their length and hash: a partial line may be up to maxLineBytes long. */
export const digestOf = (parts: readonly Uint8Array[]): StateImage => {
  const hash = createHash('sha256');
  let bytes = 0;
  for (const p of parts) {
    hash.update(p);
    bytes += p.byteLength;
  }
  return { bytes, sha256: hash.digest('base64') };
};
