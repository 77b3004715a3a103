#!/usr/bin/python3
"""Compare `corediagd-ctl findings --json` (on stdin) with a scenario's expectations.

  expect.py ACTIVE INACTIVE

ACTIVE: comma list of ID or ID@SUBJECT that must each match an active finding.
INACTIVE: comma list of globs (ID or ID@SUBJECT) no active finding may match;
`*` means no finding may be active, `severity>=warning` (or error) none of
that severity or worse.  `-` is an empty list.
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


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    try:
        findings = json.load(sys.stdin)
        if not isinstance(findings, list):
            raise ValueError("not a JSON array")
    except ValueError as e:
        print("findings: not a JSON array of findings: %s" % e)
        return 2
    active = [f for f in findings if isinstance(f, dict) and f.get("active")]
    missing = [p for p in parse(sys.argv[1]) if not any(matches(p, f) for f in active)]
    unwanted = ["%s@%s" % (f.get("id"), f.get("subject")) for f in active
                if any(matches(p, f) for p in parse(sys.argv[2]))]
    if not missing and not unwanted:
        return 0
    now = ",".join("%s@%s" % (f.get("id"), f.get("subject")) for f in active) or "none"
    print("missing [%s], unwanted [%s]; active: %s"
          % (",".join(missing), ",".join(unwanted), now))
    return 1


if __name__ == "__main__":
    sys.exit(main())
