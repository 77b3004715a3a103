#!/usr/bin/env python3
"""Make a text report stable for a golden file: stdin to stdout.

What varies between runs and machines, and nothing else, is replaced: the
host name on the second line, the vantage line (this machine's
interfaces), times and durations; the order in which
concurrent probes finished (which orders the findings of one severity,
the probes table and the perfdata) is made alphabetical; the probes table
keeps each probe's name and result, since its details (random
transaction IDs, MACs, retransmissions) are the findings' evidence.
"""
import re
import sys

TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z")
DURATION = re.compile(r"\b\d+(\.\d+)?( ?)ms\b")
GROUP = re.compile(r"^(Errors|Warnings|Info|Cleared) \(\d+\)$")
TABLE = re.compile(r"^(Devices|Probes) \(\d+\)$")


def plugin_line(line):
    if " | " not in line:
        return line
    text, perf = line.rsplit(" | ", 1)
    items = perf.split()
    probes = sorted(i for i in items if i.endswith("ms"))
    rest = [i for i in items if not i.endswith("ms")]
    return text + " | " + " ".join(probes + rest)


def main():
    lines = sys.stdin.read().splitlines()
    out, i = [], 0
    while i < len(lines):
        line = TIME.sub("TIME", lines[i])
        line = DURATION.sub(r"N\2ms", line)
        if i == 0:
            line = plugin_line(line)
        elif i == 1:
            line = re.sub(r"^corediagd report for \S+ at \S+$",
                          "corediagd report for HOST at TIME", line)
        elif line.startswith("Vantage: "):
            # Where --once runs: this machine's interfaces, not the report's.
            line = "Vantage: VANTAGE"
        line = re.sub(r"^(Capture: )\S*/", r"\1", line)
        i += 1
        if GROUP.match(line):
            # Its findings, each a block of lines, in the order of their IDs.
            out.append(line)
            blocks = []
            while i < len(lines) and lines[i].startswith("  "):
                text = DURATION.sub(r"N\2ms", TIME.sub("TIME", lines[i]))
                if not lines[i].startswith("   "):
                    blocks.append([])
                blocks[-1].append(text)
                i += 1
            for b in sorted(blocks):
                out.extend(b)
            continue
        if TABLE.match(line):
            out.append(line)
            probes = line.startswith("Probes")
            rows = []
            while i < len(lines) and lines[i]:
                cells = re.split(r" {2,}", lines[i].strip())
                rows.append("  " + "  ".join(cells[:2] if probes else cells))
                i += 1
            out.extend(rows[:1] + sorted(rows[1:]))
            continue
        out.append(line)
    print("\n".join(out))


main()
