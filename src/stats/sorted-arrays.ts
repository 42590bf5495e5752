/** Sorted union of two ascending arrays. */
export function mergeSorted(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length + b.length)
  let i = 0
  let j = 0
  let o = 0
  while (i < a.length && j < b.length) {
    const x = a[i] ?? 0
    const y = b[j] ?? 0
    if (x <= y) {
      out[o++] = x
      i++
    } else {
      out[o++] = y
      j++
    }
  }
  out.set(a.subarray(i), o)
  out.set(b.subarray(j), o + a.length - i)
  return out
}

/** Merges ascending `items`, each of weight `weight`, into ascending (value, weight) arrays. */
export function mergeWeighted(
  values: Float64Array,
  weights: Float64Array,
  items: Float64Array,
  weight: number,
): { values: Float64Array; weights: Float64Array } {
  const outValues = new Float64Array(values.length + items.length)
  const outWeights = new Float64Array(outValues.length)
  let i = 0
  let j = 0
  for (let o = 0; o < outValues.length; o++) {
    if (j >= items.length || (i < values.length && (values[i] ?? 0) <= (items[j] ?? 0))) {
      outValues[o] = values[i] ?? 0
      outWeights[o] = weights[i++] ?? 0
    } else {
      outValues[o] = items[j++] ?? 0
      outWeights[o] = weight
    }
  }
  return { values: outValues, weights: outWeights }
}

/** Sorts items[0..length) in place: insertion sort for the short runs a sketch compacts. */
export function sortPrefix(items: Float64Array, length: number): void {
  if (length > 64) {
    items.subarray(0, length).sort()
    return
  }
  for (let i = 1; i < length; i++) {
    const v = items[i] ?? 0
    let j = i - 1
    while (j >= 0 && (items[j] ?? 0) > v) {
      items[j + 1] = items[j] ?? 0
      j--
    }
    items[j + 1] = v
  }
}

/** Index of the first element ≥ x (numpy searchsorted side='left'). */
export function lowerBound(sorted: Float64Array, x: number): number {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if ((sorted[mid] ?? 0) < x) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** Index of the first element > x (numpy searchsorted side='right'). */
export function upperBound(sorted: Float64Array, x: number): number {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if ((sorted[mid] ?? 0) <= x) lo = mid + 1
    else hi = mid
  }
  return lo
}

/**
 * Merges `count` ascending items of `source` (from index `first`, every `stride`-th) into the
 * ascending first `size` items of `target`, in place from the back: `target` must hold
 * `size + count`. Nothing is allocated.
 */
export function mergeIntoSorted(
  target: Float64Array,
  size: number,
  source: Float64Array,
  first: number,
  stride: number,
  count: number,
): void {
  let i = first + stride * (count - 1)
  let j = size - 1
  for (let o = size + count - 1; i >= first; o--) {
    const x = source[i] ?? 0
    if (j >= 0 && (target[j] ?? 0) > x) target[o] = target[j--] ?? 0
    else {
      target[o] = x
      i -= stride
    }
  }
}

/** `a` then `b`, in a new array. */
export function concat(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length + b.length)
  out.set(a)
  out.set(b, a.length)
  return out
}
