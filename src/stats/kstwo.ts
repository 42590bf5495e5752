import { durbinCdf } from './kstwo-durbin.js'
import { pomeranzCdf } from './kstwo-pomeranz.js'
import { smirnovSf } from './smirnov.js'

const LOG_2PI = Math.log(2 * Math.PI)
const SQRT_2PI = Math.sqrt(2 * Math.PI)
const PI2 = Math.PI ** 2
const PI4 = Math.PI ** 4
const PI6 = Math.PI ** 6
// B_2j / (2j (2j - 1)) for j = 8..1, highest power first (scipy `_STIRLING_COEFFS`).
const STIRLING_COEFFS = [
  -0.029550653594771242, 0.00641025641025641, -0.0019175269175269176, 0.0008417508417508417,
  -0.0005952380952380953, 0.0007936507936507937, -0.002777777777777778, 0.08333333333333333,
]

/** ln(n!/nⁿ) by Stirling, with n ln n removed up front to avoid cancellation. */
function logFactorialOverPower(n: number): number {
  const rn = 1 / n
  let poly = 0
  for (const c of STIRLING_COEFFS) poly = poly * (rn / n) + c
  return Math.log(n) / 2 - n + LOG_2PI / 2 + rn * poly
}

/** Σ over odd m = 2k-1 of cᵢ(m) q^(m²) for the four Pelz–Good series, by Horner in q⁸. */
function pelzGoodOddSums(z: number, maxK: number): number[] {
  const [z2, z4, z6] = [z ** 2, z ** 4, z ** 6]
  const q = Math.exp(-PI2 / 8 / z2)
  const sums = [0, 0, 0, 0]
  for (let k = maxK; k > 0; k--) {
    const m = 2 * k - 1
    const [m2, m4, m6] = [m ** 2, m ** 4, m ** 6]
    const qPower = Math.pow(q, 8 * k)
    const coeffs = [
      1,
      -z2 + (PI2 / 4) * m2,
      6 * z6 + 2 * z4 + (((2 * z4 - 5 * z2) * PI2) / 4) * m2 + ((PI4 * (1 - 2 * z2)) / 16) * m4,
      -30 * z6 -
        90 * z ** 8 +
        ((PI2 * (135 * z4 - 96 * z6)) / 4) * m2 +
        ((PI4 * (-60 * z2 + 212 * z4)) / 16) * m4 +
        ((PI6 * (5 - 30 * z2)) / 64) * m6,
    ]
    for (let i = 0; i < 4; i++) sums[i] = (sums[i] ?? 0) * qPower + (coeffs[i] ?? 0)
  }
  const scale = [z, 6 * z4, 72 * z ** 7, 6480 * z ** 10]
  return sums.map((s, i) => (s * q * SQRT_2PI) / (scale[i] ?? 1))
}

/**
 * Pelz–Good's approximation of P(Dₙ ≤ x): the Li-Chien/Korolyuk expansion in 1/√n, transformed
 * with Jacobi theta identities to suit small z = x√n (scipy `_kolmogn_PelzGood`).
 */
function pelzGoodCdf(n: number, x: number): number {
  if (x <= 0) return 0
  if (x >= 1) return 1
  const z = Math.sqrt(n) * x
  if (-PI2 / 8 / z ** 2 < -708) return 0
  const maxK = Math.ceil((16 * z) / Math.PI)
  const k = pelzGoodOddSums(z, maxK)
  const q = Math.exp(-PI2 / 2 / z ** 2)
  const sqrt3z = Math.sqrt(3) * z
  let k2Extra = 0
  let k3Extra = 0
  for (let j = maxK; j > 0; j--) {
    const qPower = q ** (j * j)
    k2Extra += j * j * qPower
    k3Extra += (sqrt3z + Math.PI * j) * (sqrt3z - Math.PI * j) * j * j * qPower
  }
  k[2] = (k[2] ?? 0) + k2Extra * ((PI2 * SQRT_2PI) / (-36 * z ** 3))
  k[3] = (k[3] ?? 0) + k3Extra * ((PI2 * SQRT_2PI) / (216 * z ** 6))
  return k.reduce((sum, term, i) => sum + term / Math.pow(n, i / 2), 0)
}

/** The Ruben–Gambino closed forms at the ends of the support, or undefined in between. */
function closedFormSf(n: number, x: number): number | undefined {
  const t = n * x
  if (t <= 0.5) return 1
  if (t <= 1) {
    let cdf: number
    if (n <= 140) {
      cdf = 1
      for (let i = 1; i <= n; i++) cdf *= i * (1 / n) * (2 * t - 1)
    } else {
      cdf = Math.exp(logFactorialOverPower(n) + n * Math.log(2 * t - 1))
    }
    return 1 - cdf
  }
  if (t >= n - 1) return 2 * (1 - x) ** n
  return undefined
}

/**
 * Survival function of the two-sided one-sample Kolmogorov–Smirnov statistic Dₙ, P(Dₙ > x)
 * (scipy.stats.kstwo.sf). Chooses among the exact and approximate algorithms by Simard and
 * L'Ecuyer's rules, as scipy's `_kolmogn(n, x, cdf=False)` does. Within ~1e-12 relative of scipy
 * on the fixture grid (looser only for subnormal results).
 */
export function kstwoSf(x: number, n: number): number {
  if (Number.isNaN(x) || !Number.isInteger(n) || n <= 0) return NaN
  if (x >= 1) return 0
  if (x <= 0) return 1
  const closed = closedFormSf(n, x)
  if (closed !== undefined) return clip(closed)
  if (x >= 0.5) return clip(2 * smirnovSf(n, x))
  const nx2 = n * x * x
  if (n <= 140) {
    if (nx2 <= 0.754693) return clip(1 - durbinCdf(n, x))
    if (nx2 <= 4) return clip(1 - pomeranzCdf(n, x))
    return clip(2 * smirnovSf(n, x))
  }
  if (nx2 >= 370) return 0
  if (nx2 >= 2.2) return clip(2 * smirnovSf(n, x))
  const cdf = n <= 100_000 && n * x ** 1.5 <= 1.4 ? durbinCdf(n, x) : pelzGoodCdf(n, x)
  return clip(1 - cdf)
}

function clip(p: number): number {
  return Math.min(1, Math.max(0, p))
}
