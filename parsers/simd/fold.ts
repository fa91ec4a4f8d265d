/** ASCII fold: A–Z become a–z, every other byte stays. */
export const FOLD: Uint8Array = (() => {
  const t = new Uint8Array(256);
  for (let b = 0; b < 256; b++) t[b] = b >= 0x41 && b <= 0x5a ? b | 0x20 : b;
  return t;
})();
