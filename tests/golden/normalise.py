#!/usr/bin/env python3
"""Make a text report stable for a golden file: stdin to stdout.

What varies between runs and machines, and nothing else, is replaced: the
host name on the second line, times, durations, and the alignment of the
tables whose cells those change.
"""
import re
import sys

TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z")
DURATION = re.compile(r"\b\d+(\.\d+)?( ?)ms\b")

out, table = [], False
for n, line in enumerate(sys.stdin.read().splitlines()):
    if n == 1:
        line = re.sub(r"^corediagd report for \S+ at \S+$",
                      "corediagd report for HOST at TIME", line)
    line = TIME.sub("TIME", line)
    line = DURATION.sub(r"N\2ms", line)
    if re.match(r"^(Devices|Probes) \(\d+\)$", line):
        table = True
    elif not line:
        table = False
    elif table:
        # A cell of another width moves every column after it.
        line = re.sub(r" {2,}", "  ", line.rstrip())
        line = re.sub(r"^(  \S+  \S+  )\d+(  TIME)", r"\1N\2", line)
    line = re.sub(r"^(Capture: )\S*/", r"\1", line)
    out.append(line)
print("\n".join(out))
