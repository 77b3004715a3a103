#!/usr/bin/python3
"""Flood a LAN with ARP and DHCP DISCOVERs from random Core-prefixed MACs.

  coreflood.py IFACE [--arp-pps N] [--dhcp-pps N] [--net 198.18.1.0/24]

Every frame comes from a new MAC with one of the Cores' vendor prefixes
(08:00:28, 70:ff:76) and every ARP announces a new address of --net, so a
tracker that believes what it sees meets a stream of new "Cores" that move
address all the time (the load and soak test, tests/lab/soak).  Runs until
killed; prints how many frames it sent when it is.
"""

import argparse
import ipaddress
import random
import signal
import socket
import struct
import sys
import time

OUIS = (b"\x08\x00\x28", b"\x70\xff\x76")
BROADCAST = b"\xff" * 6


def random_mac(rng):
    return rng.choice(OUIS) + bytes(rng.randrange(256) for _ in range(3))


def arp_announce(mac, ip):
    """A gratuitous ARP request: who-has IP tell IP, from MAC."""
    return (BROADCAST + mac + b"\x08\x06" +
            struct.pack("!HHBBH", 1, 0x0800, 6, 4, 1) +
            mac + ip + b"\x00" * 6 + ip)


def checksum(data):
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def dhcp_discover(mac, xid):
    bootp = (struct.pack("!BBBBIHH", 1, 1, 6, 0, xid, 0, 0x8000) +
             b"\x00" * 16 + mac + b"\x00" * 10 + b"\x00" * 192 +
             b"\x63\x82\x53\x63" + b"\x35\x01\x01" + b"\x37\x03\x01\x03\x06" + b"\xff")
    udp = struct.pack("!HHHH", 68, 67, 8 + len(bootp), 0) + bootp
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0,
                     b"\x00" * 4, b"\xff" * 4)
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    return BROADCAST + mac + b"\x08\x00" + ip + udp


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("iface")
    ap.add_argument("--arp-pps", type=float, default=200)
    ap.add_argument("--dhcp-pps", type=float, default=50)
    ap.add_argument("--net", default="198.18.1.0/24")
    ap.add_argument("--seed", type=int, default=None)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    hosts = [h.packed for h in ipaddress.ip_network(a.net).hosts()]
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((a.iface, 0))
    sent = {"arp": 0, "dhcp": 0}

    def bye(*_):
        print("coreflood: sent %d ARP, %d DHCP DISCOVER" % (sent["arp"], sent["dhcp"]))
        sys.exit(0)

    signal.signal(signal.SIGTERM, bye)
    signal.signal(signal.SIGINT, bye)
    total = a.arp_pps + a.dhcp_pps
    if total <= 0:
        sys.exit("coreflood: nothing to send")
    gap = 1.0 / total
    due = time.monotonic()
    while True:
        mac = random_mac(rng)
        if rng.random() * total < a.dhcp_pps:
            frame, kind = dhcp_discover(mac, rng.getrandbits(32)), "dhcp"
        else:
            frame, kind = arp_announce(mac, rng.choice(hosts)), "arp"
        try:
            s.send(frame)
            sent[kind] += 1
        except OSError:
            pass  # a full queue: the next one
        due += gap
        delay = due - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        elif delay < -1:
            due = time.monotonic()  # behind by a second: do not burst


if __name__ == "__main__":
    main()
