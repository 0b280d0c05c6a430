"""`python -m tests.bench [section …]` (`make bench`): every benchmark, one section after the
other (default: all), then every figure next to its target with PASS or MISS.

Each section runs in a fresh process (it sets up Django on its own database) and returns its
checks. Missed speed targets are reported, not fatal; the exit status is 1 only when a
correctness check failed (failed requests, oversold stock).
"""

import multiprocessing
import sys
from concurrent.futures import ProcessPoolExecutor

from .harness import Check, load_average, run_section, summary

SECTIONS = ["catalogue", "search", "checkout", "stock", "insight", "feed"]


def main(argv: list[str]) -> int:
    unknown = [name for name in argv if name not in SECTIONS]
    if unknown:
        sys.exit(f"Unknown section {unknown[0]!r}; choose from {', '.join(SECTIONS)}.")
    results: dict[str, list[Check]] = {}
    for name in argv or SECTIONS:
        print(f"\n=== {name} (load average {load_average()}) ===", flush=True)
        spawn = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as pool:
            results[name] = pool.submit(run_section, name).result()
        sys.stdout.flush()
    print(f"\n=== summary (load average {load_average()}) ===")
    print(summary(results))
    found = [c for cs in results.values() for c in cs]
    missed = [c for c in found if c.passed is False]
    print(
        f"\n{sum(c.passed is True for c in found)} PASS, {len(missed)} MISS"
        + (f" ({', '.join(c.name for c in missed)})" if missed else "")
    )
    return 1 if any(c.correctness for c in missed) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
