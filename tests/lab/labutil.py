"""Helpers shared by the lab's Python programs: the event log and a DNS query.

Standard library only: the lab runs on Debian's /usr/bin/python3.
"""

import datetime
import random
import select
import socket
import struct
import sys
import time


class EventLog:
    """One event per line: `2024-05-01T12:00:00.123Z event key=value ...`."""

    def __init__(self, path):
        self.f = open(path, "a", buffering=1) if path else sys.stdout

    def __call__(self, event, **kv):
        now = datetime.datetime.now(datetime.timezone.utc)
        ts = now.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (now.microsecond // 1000)
        fields = "".join(" %s=%s" % (k, v) for k, v in kv.items())
        self.f.write("%s %s%s\n" % (ts, event, fields))


RCODES = {0: "NOERROR", 1: "FORMERR", 2: "SERVFAIL", 3: "NXDOMAIN", 4: "NOTIMP", 5: "REFUSED"}


def dns_query(server, name, timeout):
    """Ask `server` (UDP 53) for the A record of `name`.

    Returns ("answer", addr), ("nxdomain", None), ("timeout", None),
    ("noanswer", None) or ("rcode", NAME).
    """
    qid = random.randrange(65536)
    qname = b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0"
    query = struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0) + qname + struct.pack("!HH", 1, 1)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.sendto(query, (server, 53))
        except OSError as e:
            return "error", e.strerror.replace(" ", "_")
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([s], [], [], left)[0]:
                return "timeout", None
            try:
                data, _ = s.recvfrom(1500)
            except OSError as e:
                return "error", e.strerror.replace(" ", "_")
            if len(data) >= 12 and struct.unpack("!H", data[:2])[0] == qid:
                return parse_answer(data, len(query))


def parse_answer(data, qlen):
    """Pick the first A record out of a reply to our one-question query."""
    flags, _, ancount = struct.unpack("!HHH", data[2:8])
    rcode = flags & 0xF
    if rcode == 3:
        return "nxdomain", None
    if rcode:
        return "rcode", RCODES.get(rcode, str(rcode))
    off = qlen
    for _ in range(ancount):
        if off >= len(data):
            break
        if data[off] & 0xC0 == 0xC0:
            off += 2
        else:
            while off < len(data) and data[off]:
                off += data[off] + 1
            off += 1
        if off + 10 > len(data):
            break
        rtype, _, _, rdlen = struct.unpack("!HHIH", data[off:off + 10])
        off += 10
        if rtype == 1 and rdlen == 4:
            return "answer", socket.inet_ntoa(data[off:off + 4])
        off += rdlen
    return "noanswer", None

