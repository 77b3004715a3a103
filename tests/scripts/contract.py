#!/usr/bin/env python3
"""Compare the man pages with what the code has and does.

  contract.py findings corediagd.8 catalogue.c
      every ID of the catalogue in FINDINGS, at its severity, and no other
  contract.py keys corediagd.yaml.5 config.c
      every key of the schema described, and no other
  contract.py json corediagd-json.7 [PREFIX=]FILE...
      every field of the JSON documents in FILE (one per line) documented;
      PREFIX names where a document sits in the report (findings for the
      answer to `findings`, watch for watch events)

Prints what differs and exits 1, or exits 0.
"""
import json
import re
import sys

SEVERITY = {"E": "error", "W": "warning", "I": "info"}


def man_section(path, name):
    """The lines of .SH name, up to the next .SH."""
    out, inside = [], False
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if line.startswith(".SH "):
            inside = line[4:].strip('"') == name
            continue
        if inside:
            out.append(line)
    return out


def unescape(s):
    return s.replace("\\-", "-").replace("\\&", "")


def report(what, missing, extra):
    for m in sorted(missing):
        print(f"{what}: {m} is not documented")
    for e in sorted(extra):
        print(f"{what}: {e} is documented but does not exist")
    return 1 if missing or extra else 0


def findings(man, catalogue):
    code = {}
    text = open(catalogue, encoding="utf-8").read()
    # The catalogue proper: cd_catalogue[], not the outage table after it.
    start = text.find("cd_catalogue[] = {")
    text = text[start:text.find("\n};", start)] if start >= 0 else ""
    for m in re.finditer(r'\{\s*"([a-z0-9_]+\.[a-z0-9_]+)",\s*([EWI])\b',
                         text):
        code[m.group(1)] = SEVERITY[m.group(2)]
    doc = {}
    for line in man_section(man, "FINDINGS"):
        m = re.match(r'\.BR (\S+) " \((error|warning|info)\)"$', line)
        if m:
            doc[unescape(m.group(1))] = m.group(2)
    if not code:
        print(f"no finding IDs found in {catalogue}")
        return 1
    rc = report("corediagd(8) FINDINGS", code.keys() - doc.keys(),
                doc.keys() - code.keys())
    for i in sorted(code.keys() & doc.keys()):
        if code[i] != doc[i]:
            print(f"corediagd(8) FINDINGS: {i} is {doc[i]} there, "
                  f"{code[i]} in the catalogue")
            rc = 1
    print(f"# {len(code)} finding IDs in the catalogue, {len(doc)} in FINDINGS")
    return rc


def keys(man, config_c):
    code = set(re.findall(r'\{\s*"([a-z0-9_.]+)",\s*T_[A-Z]+',
                          open(config_c, encoding="utf-8").read()))
    doc, section = set(), None
    for line in open(man, encoding="utf-8"):
        line = line.rstrip("\n")
        if line.startswith(".SH "):
            section = None
        elif line.startswith(".SS "):
            section = unescape(line[4:].strip('"'))
        m = re.match(r'\.BR (\S+) " \(', line)
        if m and section is not None:
            k = unescape(m.group(1))
            doc.add(k if k == section else f"{section}.{k}")
    if not code:
        print(f"no keys found in {config_c}")
        return 1
    print(f"# {len(code)} keys in the schema, {len(doc)} in corediagd.yaml(5)")
    return report("corediagd.yaml(5)", code - doc, doc - code)


def walk(v, path, out):
    if isinstance(v, dict):
        for k, x in v.items():
            q = f"{path}.{k}" if path else k
            out.add(q)
            walk(x, q, out)
    elif isinstance(v, list):
        for x in v:
            walk(x, path + "[]", out)


def fields(man, specs):
    doc, prev = set(), ""
    for line in open(man, encoding="utf-8"):
        line = line.rstrip("\n")
        m = re.match(r'\.B (\S+)$', line)
        if prev == ".TP" and m:
            doc.add(unescape(m.group(1)))
        prev = line
    seen, ndocs = set(), 0
    for spec in specs:
        prefix, _, path = spec.rpartition("=")
        for line in open(path, encoding="utf-8"):
            if not line.strip():
                continue
            d, got = json.loads(line), set()
            ndocs += 1
            walk(d, prefix, got)
            if prefix == "watch":
                # An event's finding is an element of the report's findings.
                got = {re.sub(r"^finding\.", "findings[].",
                              re.sub(r"^watch\.", "", g)) for g in got}
            seen |= got
    print(f"# {len(seen)} fields in {ndocs} documents, "
          f"{len(doc)} in corediagd-json(7)")
    if ndocs == 0:
        print("no documents read")
        return 1
    return report("corediagd-json(7)", seen - doc, set())


def main(argv):
    if len(argv) >= 3 and argv[0] == "findings":
        return findings(argv[1], argv[2])
    if len(argv) >= 3 and argv[0] == "keys":
        return keys(argv[1], argv[2])
    if len(argv) >= 3 and argv[0] == "json":
        return fields(argv[1], argv[2:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
