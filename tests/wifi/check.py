#!/usr/bin/python3
"""Judge one Wi-Fi VM boot: read its serial console log, take corediagd's
JSON report from between the markers /init printed, and check what a user
would see for that boot.  Prints one line: "PASS name" or "FAIL name: why".

    check.py NAME SERIAL-LOG
"""
import json
import sys

CORE_MAC = "08:00:28:00:00:01"   # wlan1's address in the "station" boot


def report_of(log):
    """The report, corediagd's exit code, and any ERROR lines of /init."""
    lines = [l.rstrip("\r") for l in log.splitlines()]
    errors = [l[3:] for l in lines if l.startswith("@@ ERROR")]
    try:
        begin = lines.index("@@ COREDIAGD-JSON-BEGIN")
        end = lines.index("@@ COREDIAGD-JSON-END")
    except ValueError:
        return None, None, errors or ["no report markers on the console"]
    text = "".join(lines[begin + 1:end])
    code = None
    for l in lines[end:]:
        if l.startswith("@@ COREDIAGD-EXIT "):
            code = int(l.split()[-1])
    try:
        return json.loads(text), code, errors
    except ValueError as e:
        return None, code, errors + ["report is not JSON (%s): %.200s" % (e, text)]


def active(doc, fid=None):
    return [f for f in doc["findings"] if f["active"]
            and f["id"].startswith("wifi.") and (fid is None or f["id"] == fid)]


def problems(doc):
    return [f for f in active(doc) if f["severity"] in ("warning", "error")]


def expect_one(doc, fid, subject, severity, source, detail_part):
    found = [f for f in active(doc, fid) if f["subject"] == subject]
    if not found:
        return "no active %s on %s (have: %s)" % (
            fid, subject, ", ".join("%s %s" % (f["id"], f["subject"])
                                    for f in active(doc)) or "none")
    f = found[0]
    for key, want in (("severity", severity), ("source", source)):
        if f[key] != want:
            return "%s: %s is %s, not %s" % (fid, key, f[key], want)
    if detail_part not in (f["detail"] or ""):
        return "%s: detail %r lacks %r" % (fid, f["detail"], detail_part)
    if not f["advice"]:
        return "%s: no advice" % fid
    return None


def check_ch13(doc, code):
    why = expect_one(doc, "wifi.channel_unsupported", "wifi:wlan0",
                     "error", "probe",
                     "channel 13 (2472 MHz, 2.4 GHz")
    if why:
        return why
    if "read from the kernel (nl80211, wlan0)" not in active(
            doc, "wifi.channel_unsupported")[0]["detail"]:
        return "the channel was not read from the kernel"
    return None if code == 2 else "exit code %s, not 2" % code


def check_station(doc, code):
    if problems(doc):
        return "Wi-Fi problems raised: %s" % ", ".join(
            "%s %s (%s)" % (f["id"], f["subject"], f["summary"])
            for f in problems(doc))
    devs = [d for d in doc["devices"] if d["mac"] == CORE_MAC]
    if not devs:
        return "the Core %s is not in devices: %s" % (CORE_MAC, doc["devices"])
    d = devs[0]
    if not isinstance(d["signal_dbm"], int) or not -100 < d["signal_dbm"] < 0:
        return "the Core's signal_dbm is %r" % d["signal_dbm"]
    if d["identified_by"] != "oui":
        return "the Core is identified_by %r" % d["identified_by"]
    if doc.get("vantage") != "access_point":
        return "vantage %r, not access_point (hostapd serves wlan0)" % doc.get("vantage")
    probe = [p for p in doc["probes"] if p["name"] == "wifi"]
    if not probe or probe[0]["result"] != "ok":
        return "wifi probe: %s" % probe
    if "channel 6 (2437 MHz" not in probe[0]["detail"] \
            or "1 station" not in probe[0]["detail"]:
        return "wifi probe detail: %s" % probe[0]["detail"]
    return None if code == 0 else "exit code %s, not 0" % code


def check_eap(doc, code):
    why = expect_one(doc, "wifi.enterprise", "wifi:wlan0", "error", "config",
                     "wpa_key_mgmt=WPA-EAP (/etc/hostapd/hostapd.conf:")
    return why or (None if code == 2 else "exit code %s, not 2" % code)


def check_n_only(doc, code):
    why = expect_one(doc, "wifi.n_only", "wifi:wlan0", "error", "config",
                     "require_ht=1 (/etc/hostapd/hostapd.conf:")
    return why or (None if code == 2 else "exit code %s, not 2" % code)


CHECKS = {"ch13": check_ch13, "station": check_station, "eap": check_eap,
          "n_only": check_n_only}


def main():
    name, path = sys.argv[1], sys.argv[2]
    with open(path, errors="replace") as f:
        log = f.read()
    doc, code, errors = report_of(log)
    if doc is None:
        why = "; ".join(errors)
    elif errors:
        why = "inside the VM: " + "; ".join(errors)
    else:
        why = CHECKS[name](doc, code)
    print("PASS %s" % name if why is None else "FAIL %s: %s" % (name, why))


if __name__ == "__main__":
    main()
