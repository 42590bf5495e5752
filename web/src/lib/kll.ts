/** Quantiles of a stored KLL sketch: each item at level h stands for 2^h values. */
export function sketchQuantiles(
  sketch: { readonly levels: readonly (readonly number[])[] },
  qs: readonly number[],
): (number | undefined)[] {
  const items: [number, number][] = []
  sketch.levels.forEach((level, h) => {
    for (const value of level) items.push([value, 2 ** h])
  })
  items.sort((a, b) => a[0] - b[0])
  const total = items.reduce((sum, [, weight]) => sum + weight, 0)
  return qs.map((q) => {
    if (total === 0) return undefined
    const rank = q * total
    let seen = 0
    for (const [value, weight] of items) {
      seen += weight
      if (seen >= rank) return value
    }
    return items.at(-1)?.[0]
  })
}
