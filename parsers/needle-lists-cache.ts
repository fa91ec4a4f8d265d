/**
 * One value per pair of needle lists (all needles, detection needles), made on first use. A
 * detector's lists are fixed, so every scanner of a thread shares what is made for them; keyed
 * weakly, so a detector's lists and what was made for them go together.
 */
export function perNeedleLists<V>(make: (needles: readonly Uint8Array[], detectionNeedles: readonly Uint8Array[]) => V) {
  const made = new WeakMap<readonly Uint8Array[], WeakMap<readonly Uint8Array[], V>>();
  return (needles: readonly Uint8Array[], detectionNeedles: readonly Uint8Array[]): V => {
    let byDetection = made.get(needles);
    if (byDetection === undefined) made.set(needles, (byDetection = new WeakMap()));
    let v = byDetection.get(detectionNeedles);
    if (v === undefined) byDetection.set(detectionNeedles, (v = make(needles, detectionNeedles)));
    return v;
  };
}
