"""The numpy/scipy baseline for `npm run bench -- data`.

Reads the columns bench/data.ts exported as raw float64 files and computes the drift statistics
Evidently picks for references over 1,000 rows: normed Wasserstein for numerical columns
(scipy.stats.wasserstein_distance / max(np.std(reference), 0.001)) and the Jensen-Shannon
distance of category proportions for categorical ones. Prints JSON: seconds and per-column scores.
Loading is not timed; only the statistics are.
"""

import json
import sys
import time

import numpy as np
from scipy.spatial.distance import jensenshannon
from scipy.stats import wasserstein_distance


def main() -> None:
    folder, numeric, categorical = sys.argv[1], sys.argv[2].split(","), sys.argv[3].split(",")
    load = lambda side, name: np.fromfile(f"{folder}/{side}-{name}.f64", dtype=np.float64)
    data = {(s, n): load(s, n) for s in ("reference", "current") for n in numeric + categorical}
    scores = {}
    start = time.perf_counter()
    for name in numeric:
        ref, cur = data[("reference", name)], data[("current", name)]
        ref, cur = ref[np.isfinite(ref)], cur[np.isfinite(cur)]
        scores[name] = wasserstein_distance(ref, cur) / max(np.std(ref), 0.001)
    for name in categorical:
        ref, cur = data[("reference", name)], data[("current", name)]
        keys = np.union1d(np.unique(ref), np.unique(cur))
        p = np.array([np.count_nonzero(ref == k) for k in keys]) / len(ref)
        q = np.array([np.count_nonzero(cur == k) for k in keys]) / len(cur)
        scores[name] = float(jensenshannon(p, q))
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "scores": scores}))


if __name__ == "__main__":
    main()
