#!/usr/bin/env python3
"""Median end-to-end time of `grantpath net reach` over repeated runs.

Usage: reach_median.py GRANTPATH INPUT LABEL [FROM TO [RUNS]]
"""
import statistics
import subprocess
import sys
import time


def main():
    g, inp, label = sys.argv[1:4]
    src = sys.argv[4] if len(sys.argv) > 4 else "ns-0001/app-00001"
    dst = sys.argv[5] if len(sys.argv) > 5 else "ns-0002/app-00002"
    n = int(sys.argv[6]) if len(sys.argv) > 6 else 21
    runs = []
    for _ in range(n):
        t = time.perf_counter()
        subprocess.run([g, "net", "reach", "--from", src, "--to", dst, inp], stdout=subprocess.DEVNULL, check=True)
        runs.append(time.perf_counter() - t)
    print("%s: net reach end to end: median of %d %.1f ms (min %.1f, max %.1f)" %
          (label, n, statistics.median(runs) * 1e3, min(runs) * 1e3, max(runs) * 1e3))


if __name__ == "__main__":
    main()
