#!/usr/bin/python3
"""Compare a corediagd report (or findings) on stdin with a scenario's expectations.

  expect.py ACTIVE INACTIVE

stdin: `corediagd-ctl report --json` (findings and devices), or the findings
array alone.
ACTIVE: comma list of ID or ID@SUBJECT that must each match an active finding,
and of device@MAC or device@MAC=STATE that must each match a listed device.
INACTIVE: comma list of globs (ID or ID@SUBJECT) no active finding may match,
and of device@MAC globs no listed device may match; `*` means no finding may
be active, `severity>=warning` (or error) none of that severity or worse.
`-` is an empty list.
Exit 0 when both hold, 1 when not (printing what is active), 2 on bad input.
"""

import fnmatch
import json
import sys


def parse(arg):
    return [] if arg in ("", "-") else [x for x in arg.split(",") if x]


SEVERITY = {"info": 0, "warning": 1, "error": 2}


def matches(pattern, finding):
    if pattern.startswith("severity>="):
        least = SEVERITY.get(pattern[len("severity>="):], 99)
        return SEVERITY.get(finding.get("severity"), 99) >= least
    pid, _, psubj = pattern.partition("@")
    if not fnmatch.fnmatchcase(str(finding.get("id")), pid):
        return False
    return not psubj or fnmatch.fnmatchcase(str(finding.get("subject")), psubj)


def device_matches(pattern, device):
    mac, _, state = pattern[len("device@"):].partition("=")
    return (fnmatch.fnmatchcase(str(device.get("mac")), mac) and
            (not state or device.get("state") == state))


def check(patterns, findings, devices, want):
    """The patterns that fail: missing (want=True) or matched (want=False)."""
    bad = []
    for p in patterns:
        if p.startswith("device@"):
            hit = [d for d in devices if device_matches(p, d)]
            names = ["device@%s=%s" % (d.get("mac"), d.get("state")) for d in hit]
        else:
            hit = [f for f in findings if matches(p, f)]
            names = ["%s@%s" % (f.get("id"), f.get("subject")) for f in hit]
        if want and not hit:
            bad.append(p)
        elif not want:
            bad.extend(n for n in names if n not in bad)
    return bad


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    try:
        doc = json.load(sys.stdin)
        findings = doc.get("findings") if isinstance(doc, dict) else doc
        devices = doc.get("devices", []) if isinstance(doc, dict) else []
        if not isinstance(findings, list) or not isinstance(devices, list):
            raise ValueError("no findings array")
    except (ValueError, AttributeError) as e:
        print("not a corediagd report or findings array: %s" % e)
        return 2
    active = [f for f in findings if isinstance(f, dict) and f.get("active")]
    devices = [d for d in devices if isinstance(d, dict)]
    missing = check(parse(sys.argv[1]), active, devices, True)
    unwanted = check(parse(sys.argv[2]), active, devices, False)
    if not missing and not unwanted:
        return 0
    now = ",".join("%s@%s" % (f.get("id"), f.get("subject")) for f in active) or "none"
    listed = ",".join("%s=%s" % (d.get("mac"), d.get("state")) for d in devices) or "none"
    print("missing [%s], unwanted [%s]; active: %s; devices: %s"
          % (",".join(missing), ",".join(unwanted), now, listed))
    return 1


if __name__ == "__main__":
    sys.exit(main())
