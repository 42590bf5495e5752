/**
 * Compensated (Neumaier) summation. numpy sums with pairwise summation; compensating keeps our
 * sums within a few ulps of the exact value, so results agree with numpy's to well under 1e-12
 * however the two round.
 */
export class NeumaierSum {
  private sum = 0
  private compensation = 0

  /** Adds one term. */
  add(term: number): void {
    const t = this.sum + term
    if (Math.abs(this.sum) >= Math.abs(term)) this.compensation += this.sum - t + term
    else this.compensation += term - t + this.sum
    this.sum = t
  }

  /** The compensated total so far. */
  get value(): number {
    // Once the sum is infinite (or NaN) the compensation is meaningless (∞ − ∞).
    return Number.isFinite(this.sum) ? this.sum + this.compensation : this.sum
  }
}
