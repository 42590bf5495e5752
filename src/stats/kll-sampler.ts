/*
 * How far a KLL sketch may sample the bottom of its stream. DataSketches' all-ranks bound for a
 * KLL sketch is ≈ 2.446 / k^0.9433 at 99% confidence (σ is that over 2.576). Sampling one value
 * of each block of 2^s adds a rank error of variance at most n·2^s/4; blocks may grow while that
 * stays under (SHARE·σ·n)², so the total error is at most √(1 + SHARE²) = 1.25 times the bound.
 */

const Z99 = 2.576
const SHARE = 0.75

/** The n from which blocks of 2^(level+1) values keep the sampler within its share, for `k`. */
export function samplerRaiseAt(k: number, level: number): number {
  const sigma = (SHARE * 2.446) / k ** 0.9433 / Z99
  return 2 ** (level + 1) / (4 * sigma * sigma)
}
