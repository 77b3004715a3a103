#!/usr/bin/python3
"""Did every reading `watch` client of the soak see every finding logged?

  soak_check.py LOG START END CLIENTS.json...

LOG is the daemon's output (`corediagd -f` copies each syslog line to it);
the finding lines between byte offsets START and END were logged while
every watcher was connected.  Each of them ("<severity|cleared> ID
SUBJECT: ...") must have reached every watcher of every CLIENTS file as a
`raised`/`changed` or a `cleared` event, and no watcher may have been cut
off.  Prints what it found; exit 0 if all is well, 1 if not, 2 on bad input.
"""

import collections
import json
import re
import sys

LINE = re.compile(r"^(error|warning|info|cleared) (\S+) (\S+): ")


def logged(path, start, end):
    with open(path, "rb") as f:
        f.seek(start)
        text = f.read(end - start).decode(errors="replace")
    out = collections.Counter()
    for line in text.splitlines():
        m = LINE.match(line)
        if m:
            kind = "cleared" if m.group(1) == "cleared" else "active"
            out[(kind, m.group(2), m.group(3))] += 1
    return out


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    try:
        want = logged(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
        docs = [json.load(open(p)) for p in sys.argv[4:]]
    except (OSError, ValueError) as e:
        print("soak_check.py: %s" % e, file=sys.stderr)
        return 2
    bad = 0
    nwatch = 0
    for doc in docs:
        for w in doc["watchers"]:
            nwatch += 1
            if w["closed"]:
                bad += 1
                print("watcher %d: %s" % (nwatch, w["closed"]))
                continue
            got = collections.Counter(
                ("cleared" if e[0] == "cleared" else "active", e[1], e[2])
                for e in w["events"])
            missing = want - got
            if missing:
                bad += 1
                print("watcher %d missed %d of %d events, first: %s" % (
                    nwatch, sum(missing.values()), sum(want.values()),
                    " ".join(sorted(missing)[0])))
    total = sum(want.values())
    print("%d finding lines logged while the watchers listened (%s)" % (
        total, ", ".join("%s %s@%s" % k for k in sorted(want)[:6]) +
        (", ..." if len(want) > 6 else "")))
    if total == 0:
        print("nothing was logged: the soak proved nothing about watch")
        return 1
    if nwatch == 0:
        print("no watcher")
        return 1
    print("%d watchers, %d missed something or were cut off" % (nwatch, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
