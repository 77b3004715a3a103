#!/usr/bin/python3
"""Check a run of corediagd under internet.down (an outage scenario).

  outage.py LOG < findings.json

LOG is the daemon's output (`corediagd -f` copies every syslog line to
stderr).  Fails (exit 1, saying why) unless:
- internet.down is active, and every active finding was logged, at the
  severity it has now;
- no finding was logged at two severities without being cleared in
  between: each is announced at its final severity (corediagd(8));
- no active finding but internet.down is an error, and none has advice
  that blames a firewall, a port or the router's DNS.
Exit 2 on bad input.
"""

import json
import re
import sys

LINE = re.compile(r"^(error|warning|info|cleared) (\S+) (\S+): (.*)$")
BLAME = re.compile(r"firewall|allow outbound|port 5683|router's dns|dns server|"
                   r"proxies|port forward", re.I)


def announcements(path):
    """(id, subject) -> list of the words logged for it, in order."""
    seen = {}
    with open(path, errors="replace") as f:
        for line in f:
            m = LINE.match(line.rstrip("\n"))
            if m:
                seen.setdefault((m.group(2), m.group(3)), []).append(m.group(1))
    return seen


def problems(findings, seen):
    active = [f for f in findings if isinstance(f, dict) and f.get("active")]
    if not any(f.get("id") == "internet.down" for f in active):
        yield "internet.down is not active"
    for key, words in sorted(seen.items()):
        # Logged again while active is a change of summary (a Core's
        # vendor prefix confirmed, say) unless the severity differs: then
        # it was announced before its final grade.
        last = "cleared"
        for w in words:
            if w != "cleared" and last != "cleared" and w != last:
                yield "%s@%s logged again at another severity without a clear: %s" % (key + (" ".join(words),))
                break
            last = w
    for f in active:
        key = (f.get("id"), f.get("subject"))
        name = "%s@%s" % key
        words = seen.get(key, [])
        if not words or words[-1] == "cleared":
            yield "%s is active but not logged as such" % name
        elif words[-1] != f.get("severity"):
            yield "%s logged as %s, is %s now" % (name, words[-1], f.get("severity"))
        if f.get("id") == "internet.down":
            continue
        if f.get("severity") == "error":
            yield "%s is an error under internet.down" % name
        if BLAME.search(f.get("advice") or ""):
            yield "%s advice blames the wrong thing: %s" % (name, f.get("advice"))


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    try:
        findings = json.load(sys.stdin)
        seen = announcements(sys.argv[1])
    except (ValueError, OSError) as e:
        print("outage.py: %s" % e)
        return 2
    found = list(problems(findings, seen))
    if found:
        print("; ".join(found))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
