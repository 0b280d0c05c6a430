"""`python -m tests.bench [name …]`: run the named benchmarks (default: all of them)."""

import importlib
import sys

BENCHMARKS = ["catalogue"]


def main(argv: list[str]) -> None:
    for name in argv or BENCHMARKS:
        if name not in BENCHMARKS:
            sys.exit(f"Unknown benchmark {name!r}; choose from {', '.join(BENCHMARKS)}.")
        print(f"\n=== {name} ===")
        importlib.import_module(f"tests.bench.{name}").main()


if __name__ == "__main__":
    main(sys.argv[1:])
