#!/usr/bin/env python3
"""Benchmark measurements that can be compared across machines.

  measure.py header
      Prints the commit measured and the calibration loop (bench/calibrate.cc,
      min/median/max of 5 runs), then the head of the table.
  measure.py run --label TEXT [--runs N] [--stdout FILE] [--ok 0,1] -- CMD...
      Runs CMD N times (default: $RUNS, else 3) and prints one table row: wall
      time min/median/max, and the largest peak RSS of the runs (from
      wait4, per run). Exit codes other than those of --ok stop the bench.

Every row is also appended, with the commit and the calibration median, to
bench/out/results.tsv. To scale a figure to another machine, multiply it by
(that machine's calibration / the calibration printed with the figure).
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CALIBRATE = os.path.join(ROOT, "build", "bench", "grantpath_calibrate")
STATE = os.path.join(ROOT, "bench", "out", ".calibration")
RESULTS = os.path.join(ROOT, "bench", "out", "results.tsv")


def commit():
    rev = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"], capture_output=True,
                           text=True).stdout.strip()
    return rev + ("+changes" if dirty else "")


def fmt(seconds):
    return "%.1f ms" % (seconds * 1e3) if seconds < 1 else "%.2f s" % seconds


def header():
    subprocess.run(["cmake", "--build", os.path.join(ROOT, "build"), "--target", "grantpath_calibrate"],
                   stdout=subprocess.DEVNULL, check=True)
    runs = [float(subprocess.run([CALIBRATE], capture_output=True, text=True, check=True).stdout.split()[0])
            for _ in range(5)]
    med = statistics.median(runs)
    os.makedirs(os.path.dirname(STATE), exist_ok=True)
    with open(STATE, "w") as f:
        f.write("%s\t%.4f\n" % (commit(), med))
    print("commit %s; calibration loop (bench/calibrate.cc): median %.3f s (min %.3f, max %.3f) of 5; %d cores" %
          (commit(), med, min(runs), max(runs), os.cpu_count()))
    print("| what | runs | min | median | max | peak RSS |")
    print("|---|---|---|---|---|---|")


def run(argv):
    ap = argparse.ArgumentParser(prog="measure.py run")
    ap.add_argument("--label", required=True)
    ap.add_argument("--runs", type=int, default=int(os.environ.get("RUNS", "3")))
    ap.add_argument("--stdout", default=os.devnull)
    ap.add_argument("--ok", default="0,1")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args(argv)
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    ok = {int(x) for x in a.ok.split(",")}
    walls, rss = [], 0
    for _ in range(a.runs):
        with open(a.stdout, "wb") as out:
            start = time.perf_counter()
            p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.PIPE)
            err = p.stderr.read()
            _, status, usage = os.wait4(p.pid, 0)
            walls.append(time.perf_counter() - start)
            p.returncode = os.waitstatus_to_exitcode(status)
        rss = max(rss, usage.ru_maxrss)
        if p.returncode not in ok:
            sys.stderr.write(err.decode(errors="replace"))
            sys.exit("%s: exit code %d" % (a.label, p.returncode))
    med = statistics.median(walls)
    print("| %s | %d | %s | %s | %s | %d MB |" % (a.label, a.runs, fmt(min(walls)), fmt(med), fmt(max(walls)), rss // 1024))
    sys.stdout.flush()
    cal = ""
    if os.path.exists(STATE):
        cal = open(STATE).read().split("\t")[1].strip()
    with open(RESULTS, "a") as f:
        f.write("\t".join([commit(), cal, a.label, str(a.runs), "%.4f" % min(walls), "%.4f" % med, "%.4f" % max(walls),
                           str(rss // 1024)]) + "\n")


if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in ("header", "run"):
        sys.exit(__doc__)
    header() if sys.argv[1] == "header" else run(sys.argv[2:])
