/** 2¹²⁸ and 2⁻¹²⁸: the rescaling step scipy's Kolmogorov algorithms use against over/underflow. */
export const TWO_POW_128 = 2 ** 128
/** 2⁻¹²⁸. */
export const TWO_POW_MINUS_128 = 2 ** -128

/** x · 2^exponent without an intermediate 2^exponent overflowing or underflowing (C's ldexp). */
export function ldexp(x: number, exponent: number): number {
  let result = x
  let e = exponent
  while (e > 1000) {
    result *= 2 ** 1000
    e -= 1000
  }
  while (e < -1000) {
    result *= 2 ** -1000
    e += 1000
  }
  return result * 2 ** e
}
