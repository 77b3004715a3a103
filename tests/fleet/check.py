#!/usr/bin/python3
"""Checks of the fleet lab test (tests/fleet/run); standard library only.

  check.py syslog LOCAL_LOG REMOTE_LOG FINDINGS_JSON EVIDENCE_ID
      every finding event in the daemon's own log (its syslog lines, copied
      to stderr) reached the collector once, in order, as RFC 5424 with its
      structured data intact; the evidence of finding EVIDENCE_ID (whose
      detail holds quotes, brackets and backslashes) equals its detail.
  check.py prom-value URL QUERY WANT
      Prometheus answers QUERY with one series whose value is WANT.
  check.py prom-alert URL ALERTNAME ID
      the alert is firing for the finding ID.
"""

import json
import re
import sys
import urllib.parse
import urllib.request

# The local syslog line of a finding event (corediagd.8, SYSLOG).
LOCAL = re.compile(r"^(info|warning|error|cleared) ([a-z0-9_]+\.[a-z0-9_]+) (\S+): ")
SDID = "corediagd@32473"


def sd_params(sd):
    """The PARAMs of our SD-ELEMENT, unescaped as RFC 5424 section 6.3.3 says."""
    if not sd.startswith("[" + SDID + " "):
        raise ValueError("no [%s ...] element in %r" % (SDID, sd))
    params, i = {}, len(SDID) + 2
    pat = re.compile(r'([^= \]"]+)="')
    while sd[i] != "]":
        m = pat.match(sd, i)
        if not m:
            raise ValueError("bad PARAM at %d in %r" % (i, sd))
        i, value = m.end(), []
        while sd[i] != '"':
            if sd[i] == "\\" and sd[i + 1] in '"\\]':
                i += 1
            elif sd[i] in '"]':
                raise ValueError("unescaped %r at %d in %r" % (sd[i], i, sd))
            value.append(sd[i])
            i += 1
        params[m.group(1)] = "".join(value)
        i += 1
        if sd[i] == " ":
            i += 1
    return params


def check_syslog(local_log, remote_log, findings_json, evidence_id):
    local = [l.rstrip("\n") for l in open(local_log, errors="replace") if LOCAL.match(l)]
    remote = []
    for line in open(remote_log, errors="replace"):
        msgid, sd, msg = line.rstrip("\n").split("\t", 2)
        try:
            remote.append((msgid, sd_params(sd), msg.lstrip(" ")))
        except (ValueError, IndexError) as e:
            return "structured data not as RFC 5424 has it: %s" % e
    if not local:
        return "the daemon logged no finding event"
    if len(remote) != len(local):
        return "%d events logged, %d received:\n  %s\n  --\n  %s" % (
            len(local), len(remote), "\n  ".join(local),
            "\n  ".join(m for _, _, m in remote))
    details = {f["id"]: f["detail"] for f in json.loads(open(findings_json).read())}
    detail = details.get(evidence_id) or ""
    if not all(c in detail for c in '"[]\\'):
        return "%s's detail %r lacks quotes, brackets or backslashes" % (evidence_id, detail)
    seen = 0
    for want, (msgid, p, msg) in zip(local, remote):
        sev, fid, subject = LOCAL.match(want).groups()
        if msg != want:
            return "message %r, expected %r" % (msg, want)
        event = "cleared" if sev == "cleared" else msgid
        if (msgid != p["event"] or p["id"] != fid or p["subject"] != subject or
                event not in ("raised", "changed", "cleared") or
                (sev != "cleared" and p["severity"] != sev)):
            return "structured data %r does not match %r" % (p, want)
        if fid == evidence_id:
            seen += 1
            if p["evidence"] != detail:
                return "evidence %r, the report says %r" % (p["evidence"], detail)
    return None if seen else "no event of %s received" % evidence_id


def prom(url, path, **args):
    with urllib.request.urlopen(url + path + "?" + urllib.parse.urlencode(args), timeout=5) as r:
        return json.load(r)["data"]


def main():
    what, args = sys.argv[1], sys.argv[2:]
    if what == "syslog":
        err = check_syslog(*args)
    elif what == "prom-value":
        res = prom(args[0], "/api/v1/query", query=args[1])["result"]
        got = [r["value"][1] for r in res]
        err = None if got == [args[2]] else "%s = %s" % (args[1], got)
    elif what == "prom-alert":
        alerts = prom(args[0], "/api/v1/alerts")["alerts"]
        ok = [a for a in alerts if a["labels"].get("alertname") == args[1] and
              a["labels"].get("id") == args[2] and a["state"] == "firing"]
        err = None if ok else "no firing %s for %s in %s" % (args[1], args[2], alerts)
    else:
        sys.exit(__doc__)
    if err:
        print(err)
        sys.exit(1)


if __name__ == "__main__":
    main()
