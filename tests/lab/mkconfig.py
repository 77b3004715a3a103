#!/usr/bin/python3
"""Write a corediagd YAML configuration from dotted KEY=VALUE settings.

  mkconfig.py OUTFILE KEY=VALUE...

Later settings win.  A KEY with a glob (`probes.*=false`) sets every key
already given that matches it and holds true or false.  Values true/false, numbers, durations (5s,
500ms) and [lists] are written as they are; anything else is quoted.
"""

import fnmatch
import json
import re
import sys

PLAIN = re.compile(r"^(true|false|-?(0|[1-9][0-9]*)|[0-9]+(ms|s|m|h)|\[.*\])$")


def scalar(value):
    return value if PLAIN.match(value) else json.dumps(value)  # JSON strings are YAML


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    settings = {}
    for arg in sys.argv[2:]:
        key, sep, value = arg.partition("=")
        if not sep or not key:
            sys.exit("mkconfig.py: not KEY=VALUE: %r" % arg)
        if "*" in key:
            keys = [k for k, v in settings.items()
                    if fnmatch.fnmatchcase(k, key) and v in ("true", "false")]
        else:
            keys = [key]
        for k in keys:
            settings[k] = value
    sections = {}
    for key, value in settings.items():
        section, _, name = key.rpartition(".")
        sections.setdefault(section, []).append((name, value))
    with open(sys.argv[1], "w") as f:
        f.write("# written by tests/lab/run\n")
        for name, value in sections.pop("", []):
            f.write("%s: %s\n" % (name, scalar(value)))
        for section, items in sections.items():
            f.write("%s:\n" % section)
            for name, value in items:
                f.write("  %s: %s\n" % (name, scalar(value)))


if __name__ == "__main__":
    main()
