#!/usr/bin/python3
"""Compare a `corediagd --read --json` report with gen.py's expectation.

  check.py EXPECT.json REPORT.json EXIT_CODE

Prints `  mismatch: ...` for each difference and exits 1 if there is any.
"""

import fnmatch
import json
import re
import sys

SEVERITY = {"info": 0, "warning": 1, "error": 2}
MAC = re.compile(r"^core:([0-9a-f]{2}:){5}[0-9a-f]{2}$")


def key(f):
    return "%s@%s" % (f["id"], f["subject"])


def matches(f, pattern):
    if pattern == "severity>=warning":
        return SEVERITY.get(f["severity"], 0) >= 1
    if pattern == "*":
        return True
    return fnmatch.fnmatchcase(key(f) if "@" in pattern else f["id"], pattern)


def compare(cond, value):
    """`>=5`, `>0`, `present`, or an exact value."""
    if isinstance(cond, str) and cond.startswith(">="):
        return isinstance(value, int) and value >= int(cond[2:])
    if isinstance(cond, str) and cond.startswith(">"):
        return isinstance(value, int) and value > int(cond[1:])
    if cond == "present":
        return value is not None
    return value == cond


def check_exit(exp, code, bad):
    want = exp["exit"]
    if isinstance(want, str):
        lo, hi = map(int, want.split("-"))
        if not lo <= code <= hi:
            bad.append("exit %d, want %s" % (code, want))
    elif code != want:
        bad.append("exit %d, want %d" % (code, want))


def check_findings(exp, findings, bad):
    active = [f for f in findings if f["active"]]
    for want in exp["active"]:
        if not any(matches(f, want) for f in active):
            bad.append("no active %s" % want)
    for pattern in exp["inactive"]:
        for f in active:
            if matches(f, pattern):
                bad.append("%s is active (must not match %s)" % (key(f), pattern))
    for want in exp.get("cleared", []):
        if not any(key(f) == want and not f["active"] for f in findings):
            bad.append("no cleared %s" % want)
    for fid, text in exp.get("detail", {}).items():
        details = [f.get("detail") or "" for f in findings if f["id"] == fid]
        if not any(text in d for d in details):
            bad.append("%s detail %r lacks %r" % (fid, details, text))
    for f in findings:
        if f["id"].startswith("core.") and not MAC.match(f["subject"]):
            bad.append("subject %r of %s is not core:MAC" % (f["subject"], f["id"]))
        if f["id"].startswith("core.") and f["source"] != "sniff":
            bad.append("%s source %s" % (key(f), f["source"]))
        if f["id"].startswith("sniff.") and (not f["subject"].startswith("sniff:") or
                                             f["source"] != "sniff"):
            bad.append("%s source %s" % (key(f), f["source"]))
        if f["active"] and f["severity"] != "info" and not f.get("advice"):
            bad.append("%s has no advice" % key(f))
    for want, when in exp.get("seen", {}).items():
        if not any(key(f) == want and f.get("last_seen") == when for f in findings):
            bad.append("%s not seen at %s" % (want, when))


def check_devices(exp, devices, bad):
    by_mac = {d["mac"]: d for d in devices}
    for mac, fields in exp.get("devices", {}).items():
        d = by_mac.get(mac)
        if d is None:
            bad.append("no device %s" % mac)
            continue
        for k, v in fields.items():
            if d.get(k) != v:
                bad.append("device %s %s=%r, want %r" % (mac, k, d.get(k), v))
    for mac in exp.get("no_devices", []):
        if mac in by_mac:
            bad.append("device %s listed" % mac)
    if "ndevices" in exp and len(devices) != exp["ndevices"]:
        bad.append("%d devices, want %d" % (len(devices), exp["ndevices"]))


def check_capture(exp, cap, bad):
    want = {"packets": exp["records"]}
    want.update(exp.get("capture", {}))
    for k, cond in want.items():
        if not compare(cond, cap.get(k)):
            bad.append("capture %s=%r, want %s" % (k, cap.get(k), cond))
    if not exp.get("damage") and cap.get("damaged") != 0:
        bad.append("capture damaged=%r, want 0" % cap.get("damaged"))


def main():
    exp = json.load(open(sys.argv[1]))
    code = int(sys.argv[3])
    bad = []
    check_exit(exp, code, bad)
    try:
        doc = json.load(open(sys.argv[2]))
    except ValueError as e:
        bad.append("report is not JSON: %s" % e)
        doc = None
    if doc is not None:
        check_findings(exp, doc["findings"], bad)
        check_devices(exp, doc["devices"], bad)
        check_capture(exp, doc.get("capture", {}), bad)
    for b in bad:
        print("  mismatch: %s" % b)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
