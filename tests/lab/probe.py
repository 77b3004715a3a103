#!/usr/bin/python3
"""Small network probes for check-faults; each prints one result word.

  probe.py tcp HOST PORT      connected | refused | timeout | error:ERR
  probe.py nonce HOST PORT    nonce | closed:N | no_nonce | (a tcp failure)
  probe.py coap HOST PORT     reset | ack | icmp:TYPE/CODE | timeout
  probe.py dns SERVER NAME    answer:ADDR | nxdomain | timeout | rcode:NAME
  probe.py dhcp IFACE         offer:SERVER... (one per line) then offers:N
  probe.py flood HOST PORT    UDP flood until killed (the lan_flood fault)
  probe.py sniff IFACE MAC    tcp5683:N broadcast:M, the frames of MAC a
                              promiscuous capture on IFACE got in --timeout s

The coap probe reads ICMP errors through IP_RECVERR, so an administratively
prohibited (3/13) is told apart from a port unreachable (3/3).
"""

import argparse
import os
import select
import socket
import struct
import sys
import time

from labutil import dns_query

IP_RECVERR = getattr(socket, "IP_RECVERR", 11)
SO_EE_ORIGIN_ICMP = 2


def tcp_connect(host, port, timeout):
    s = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    try:
        s.connect((host, port))
        return s, "connected"
    except socket.timeout:
        res = "timeout"
    except ConnectionRefusedError:
        res = "refused"
    except OSError as e:
        res = "error:" + (e.strerror or "?").replace(" ", "_")
    s.close()
    return None, res


def cmd_tcp(a):
    s, res = tcp_connect(a.host, a.port, a.timeout)
    if s:
        s.close()
    return res


def cmd_nonce(a):
    s, res = tcp_connect(a.host, a.port, a.timeout)
    if not s:
        return res
    buf = b""
    try:
        while len(buf) < 40:
            chunk = s.recv(40 - len(buf))
            if not chunk:
                return "closed:%d" % len(buf)
            buf += chunk
    except socket.timeout:
        return "no_nonce"
    finally:
        s.close()
    return "nonce"


def cmd_coap(a):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_IP, IP_RECVERR, 1)
    s.connect((a.host, a.port))
    mid = os.urandom(2)
    s.send(b"\x40\x00" + mid)  # CoAP ping: empty Confirmable message
    poller = select.poll()
    poller.register(s, select.POLLIN | select.POLLERR)
    deadline = time.monotonic() + a.timeout
    while time.monotonic() < deadline:
        if not poller.poll(max(0, deadline - time.monotonic()) * 1000):
            break
        try:
            _, anc, _, _ = s.recvmsg(512, 512, socket.MSG_ERRQUEUE)
            for level, typ, data in anc:
                if level == socket.IPPROTO_IP and typ == IP_RECVERR:
                    _, origin, etype, ecode = struct.unpack("=IBBB", data[:7])
                    if origin == SO_EE_ORIGIN_ICMP:
                        return "icmp:%d/%d" % (etype, ecode)
        except BlockingIOError:
            pass
        try:
            data = s.recv(512, socket.MSG_DONTWAIT)
        except (BlockingIOError, OSError):
            continue
        if len(data) >= 4 and data[2:4] == mid:
            return {0x70: "reset", 0x60: "ack"}.get(data[0], "reply:%02x" % data[0])
    return "timeout"


def cmd_dns(a):
    kind, val = dns_query(a.server, a.name, a.timeout)
    return kind + (":" + val if val else "")


def dhcp_discover(mac, xid):
    pkt = struct.pack("!BBBBIHH4s4s4s4s16s64s128s", 1, 1, 6, 0, xid, 0, 0x8000,
                      b"\0" * 4, b"\0" * 4, b"\0" * 4, b"\0" * 4, mac, b"", b"")
    return pkt + bytes.fromhex("63825363") + bytes([53, 1, 1, 55, 3, 1, 3, 6, 255])


def dhcp_options(data):
    opts, i = {}, 240
    while i < len(data) and data[i] != 255:
        if data[i] == 0:
            i += 1
            continue
        if i + 1 >= len(data):
            break
        opts[data[i]] = data[i + 2:i + 2 + data[i + 1]]
        i += 2 + data[i + 1]
    return opts


def cmd_dhcp(a):
    """Broadcast one DISCOVER and list every OFFER until the timeout (like nmap's)."""
    xid = struct.unpack("!I", os.urandom(4))[0]
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, a.iface.encode())
    s.bind(("0.0.0.0", 68))
    s.sendto(dhcp_discover(bytes.fromhex(a.mac.replace(":", "")), xid), ("255.255.255.255", 67))
    servers = []
    deadline = time.monotonic() + a.timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([s], [], [], left)[0]:
            break
        data = s.recv(1500)
        if len(data) < 240 or data[0] != 2 or struct.unpack("!I", data[4:8])[0] != xid:
            continue
        opts = dhcp_options(data)
        if opts.get(53) == b"\x02":
            server = socket.inet_ntoa(opts.get(54, data[20:24]))
            if server not in servers:
                servers.append(server)
                print("offer:%s yiaddr=%s" % (server, socket.inet_ntoa(data[16:20])), flush=True)
                if a.max and len(servers) >= a.max:
                    break
    return "offers:%d" % len(servers)


def cmd_flood(a):
    """Send small UDP datagrams as fast as possible, until killed (lan_flood)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.connect((a.host, a.port))
    payload = b"x" * 18
    while True:
        try:
            s.send(payload)
        except OSError:
            pass


def cmd_sniff(a):
    """What a capture on IFACE sees of one host: its TCP 5683 and its broadcasts."""
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))  # ETH_P_ALL
    s.bind((a.iface, 0))
    mreq = struct.pack("iHH8s", socket.if_nametoindex(a.iface), 1, 0, b"")  # PACKET_MR_PROMISC
    s.setsockopt(263, 1, mreq)  # SOL_PACKET, PACKET_ADD_MEMBERSHIP
    print("sniffing", flush=True)
    mac = bytes.fromhex(a.mac.replace(":", ""))
    tcp = bcast = 0
    deadline = time.monotonic() + a.timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([s], [], [], left)[0]:
            break
        f = s.recv(2048)
        if len(f) < 14 or mac not in (f[0:6], f[6:12]):
            continue
        if f[0] & 1:
            bcast += 1
        elif f[12:14] == b"\x08\x00" and len(f) >= 34 and f[23] == 6:
            l4 = 14 + (f[14] & 15) * 4
            if 5683 in struct.unpack("!HH", f[l4:l4 + 4].ljust(4, b"\0")):
                tcp += 1
    return "tcp5683:%d broadcast:%d" % (tcp, bcast)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--timeout", type=float, default=3)
    sub = ap.add_subparsers(dest="cmd", required=True)
    for name in ("tcp", "nonce", "coap", "flood"):
        p = sub.add_parser(name)
        p.add_argument("host")
        p.add_argument("port", type=int)
    p = sub.add_parser("dns")
    p.add_argument("server")
    p.add_argument("name")
    p = sub.add_parser("sniff")
    p.add_argument("iface")
    p.add_argument("mac")
    p = sub.add_parser("dhcp")
    p.add_argument("iface")
    p.add_argument("--mac", default="de:ad:c0:de:ca:fe")
    p.add_argument("--max", type=int, default=0, help="stop after this many servers answered")
    a = ap.parse_args()
    print(globals()["cmd_" + a.cmd](a))


if __name__ == "__main__":
    sys.exit(main())
