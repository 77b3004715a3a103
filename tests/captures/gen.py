#!/usr/bin/python3
"""Write the captures the --read tests analyse, with what each must give.

  gen.py OUTDIR [NAME...]       write NAME.pcap (or .pcapng) and NAME.json
  gen.py --list                 the capture names
  gen.py --seeds DIR [NAME...]  fuzz seeds: the captures cut to 4096 bytes

One capture per core.* finding, and healthy, noisy, VLAN, cooked (SLL v1
and v2, with the duplicate copies `tcpdump -i any` records), pcapng (with
and without the drop statistics dumpcap writes at the end), IPv6, damaged
and garbage variants; captures that stop before a timeout (judged only on
decisive evidence), and a Core restarting or reflashed mid-session.  Packets are built with scapy (Debian's
python3-scapy); the files are written here (pcap and pcapng by hand, so a
record can be cut short on purpose).  NAME.json holds the expectation
check.py compares the report with: exit code, findings active and not,
evidence substrings, devices, capture counters.

Addresses are the lab's (tests/lab/README.md): the Core 08:00:28:c0:de:01,
the router 198.18.1.1, the cloud cloud.cdlab.test at 198.18.100.10:5683,
the internet test 198.18.100.88:53.  Nothing here is ever sent.
"""

import json
import logging
import os
import random
import struct
import sys
import time

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import (ARP, BOOTP, DHCP, DNS, DNSQR, DNSRR, ICMP,  # noqa: E402
                       IP, TCP, UDP, CookedLinux, CookedLinuxV2, Dot1Q,
                       Ether, IPv6, Raw, conf)

conf.verb = 0

T0 = 1700000000.0
CORE = "08:00:28:c0:de:01"
CORE2 = "70:ff:76:00:00:02"
ODD = "02:5a:00:00:00:07"          # a Core outside the OUIs
LAPTOP = "02:cd:1a:b0:00:50"
ROUTER = "02:cd:1a:b0:00:01"
ROUTER_WAN = "02:cd:1a:b0:ff:01"
BCAST = "ff:ff:ff:ff:ff:ff"
ROUTER_IP = "198.18.1.1"
CORE_IP = "198.18.1.123"
CLOUD_NAME = "cloud.cdlab.test"
CLOUD_IP = "198.18.100.10"
INETTEST = ("198.18.100.88", 53)
DEVICE_ID = "53ff6c065067544847310187"
SUBJ = "core:" + CORE

CAPTURES = {}


def capture(fn):
    CAPTURES[fn.__name__] = fn
    return fn


class Net:
    """A timeline of frames, each an Ethernet scapy packet with a time."""

    def __init__(self, seed=1):
        self.t = T0
        self.frames = []
        self.rnd = random.Random(seed)

    def wait(self, s):
        self.t += s

    def emit(self, pkt, dup=False):
        pkt.time = self.t
        pkt.cd_dup = dup
        self.frames.append(pkt)
        self.t += 0.0005

    def rbytes(self, n):
        return bytes(self.rnd.getrandbits(8) for _ in range(n))


class Host:
    def __init__(self, net, mac, ip, gw_mac=ROUTER):
        self.net, self.mac, self.ip, self.gw = net, mac, ip, gw_mac
        self.v6 = ":" in (ip or "")

    def ip_out(self, dst, **kw):
        """A frame from this host to dst, through the router."""
        l3 = IPv6(src=self.ip, dst=dst) if self.v6 else IP(src=self.ip, dst=dst, **kw)
        return Ether(src=self.mac, dst=self.gw) / l3

    def ip_in(self, src):
        """A frame from src to this host, through the router."""
        l3 = IPv6(src=src, dst=self.ip) if self.v6 else IP(src=src, dst=self.ip)
        return Ether(src=self.gw, dst=self.mac) / l3


def mac_bytes(mac):
    return bytes(int(x, 16) for x in mac.split(":")) + b"\0" * 10


# --- DHCP ------------------------------------------------------------------

def dhcp_msg(net, mac, op, mtype, xid, yiaddr="0.0.0.0", opts=()):
    src, dst = (mac, BCAST) if op == 1 else (ROUTER, BCAST)
    sip, dip = ("0.0.0.0", "255.255.255.255") if op == 1 else (ROUTER_IP, "255.255.255.255")
    sport, dport = (68, 67) if op == 1 else (67, 68)
    bootp = BOOTP(op=op, chaddr=mac_bytes(mac), xid=xid, yiaddr=yiaddr, flags=0x8000)
    options = [("message-type", mtype)] + list(opts) + ["end"]
    net.emit(Ether(src=src, dst=dst) / IP(src=sip, dst=dip) / UDP(sport=sport, dport=dport) /
             bootp / DHCP(options=options))


def dhcp_ok(net, mac, ip):
    xid = net.rnd.getrandbits(32)
    lease = [("server_id", ROUTER_IP), ("lease_time", 3600), ("subnet_mask", "255.255.255.0"),
             ("router", ROUTER_IP), ("name_server", ROUTER_IP)]
    dhcp_msg(net, mac, 1, "discover", xid)
    net.wait(0.01)
    dhcp_msg(net, mac, 2, "offer", xid, ip, lease)
    net.wait(0.01)
    dhcp_msg(net, mac, 1, "request", xid, opts=[("requested_addr", ip), ("server_id", ROUTER_IP)])
    net.wait(0.01)
    dhcp_msg(net, mac, 2, "ack", xid, ip, lease)
    net.wait(0.05)


# --- DNS -------------------------------------------------------------------

def dns(net, host, name, server=ROUTER_IP, answer=CLOUD_IP, rcode=0, tries=1, gap=1.0):
    """A query (retransmitted tries times, same ID) and its answer, if any."""
    qid, sport = net.rnd.getrandbits(16), 1024 + net.rnd.getrandbits(15)
    q = DNS(id=qid, rd=1, qd=DNSQR(qname=name))
    for i in range(tries):
        net.emit(host.ip_out(server) / UDP(sport=sport, dport=53) / q)
        if i + 1 < tries:
            net.wait(gap)
    if answer is None and rcode == 0:
        return
    net.wait(0.02)
    an = DNSRR(rrname=name, type="AAAA" if ":" in answer else "A", rdata=answer) \
        if answer and rcode == 0 else None
    r = DNS(id=qid, qr=1, rd=1, ra=1, rcode=rcode, qd=DNSQR(qname=name), an=an)
    net.emit(host.ip_in(server) / UDP(sport=53, dport=sport) / r)
    net.wait(0.02)


# --- TCP -------------------------------------------------------------------

class Conn:
    """One TCP connection of host to (ip, port), both directions."""

    def __init__(self, net, host, ip, port, dup=False):
        self.net, self.h, self.ip, self.port, self.dup = net, host, ip, port, dup
        self.sport = 40000 + net.rnd.getrandbits(12)
        self.cseq = net.rnd.getrandbits(32)
        self.sseq = net.rnd.getrandbits(32)

    def _emit(self, frame):
        """With dup, the copies `tcpdump -i any` on a router records too."""
        self.net.emit(frame)
        if not self.dup:
            return
        bridged = frame.copy()  # on the bridge as well as on its port
        self.net.emit(bridged, dup=True)
        wan = frame.copy()      # and forwarded, on the WAN side
        wan[Ether].src, wan[Ether].dst = ROUTER_WAN, "02:00:00:00:ff:fe"
        self.net.emit(wan, dup=True)

    def c(self, flags, payload=b"", seq=None):
        seq = self.cseq if seq is None else seq
        self._emit(self.h.ip_out(self.ip) / TCP(sport=self.sport, dport=self.port, flags=flags,
                                                seq=seq, ack=self.sseq) / payload)

    def s(self, flags, payload=b"", seq=None):
        seq = self.sseq if seq is None else seq
        self._emit(self.h.ip_in(self.ip) / TCP(sport=self.port, dport=self.sport, flags=flags,
                                               seq=seq, ack=self.cseq) / payload)

    def syns(self, n, gaps=(1, 2, 4, 8, 16)):
        for i in range(n):
            self.c("S")
            if i + 1 < n:
                self.net.wait(gaps[i])

    def open(self):
        self.c("S")
        self.cseq += 1
        self.net.wait(0.03)
        self.s("SA")
        self.sseq += 1
        self.net.wait(0.03)
        self.c("A")

    def core_sends(self, n, retransmit=False):
        data = self.net.rbytes(n)
        self.c("PA", data)
        if retransmit:
            self.net.wait(0.3)
            self.c("PA", data)
        self.cseq = (self.cseq + n) % 2**32
        self.net.wait(0.03)
        self.s("A")
        self.net.wait(0.01)

    def cloud_sends(self, n, segments=1, retransmit=False):
        data = self.net.rbytes(n)
        step = -(-n // segments)
        for off in range(0, n, step):
            self.s("PA", data[off:off + step], seq=(self.sseq + off) % 2**32)
        if retransmit:
            self.net.wait(0.3)
            self.s("PA", data, seq=self.sseq)
        self.sseq = (self.sseq + n) % 2**32
        self.net.wait(0.03)
        self.c("A")
        self.net.wait(0.01)

    def core_closes(self, how="FA"):
        self.c(how)
        self.cseq += 1
        self.net.wait(0.03)
        if how == "FA":
            self.s("FA")
            self.sseq += 1
            self.net.wait(0.03)
            self.c("A")

    def cloud_closes(self, how="FA"):
        self.s(how)
        self.sseq += 1
        self.net.wait(0.03)
        if how == "FA":
            self.c("FA")
            self.cseq += 1
            self.net.wait(0.03)
            self.s("A")

    def handshake(self, upto="hello"):
        """40 -> 256 -> 384 -> 18 -> 18, stopping after step `upto`."""
        self.cloud_sends(40)
        if upto == "nonce":
            return
        self.core_sends(256)
        if upto == "256":
            return
        self.cloud_sends(384)
        if upto == "384":
            return
        self.core_sends(18)
        self.cloud_sends(18)


def presence(net, core, device_id=DEVICE_ID):
    net.emit(Ether(src=core.mac, dst="01:00:5e:00:01:bb") /
             IP(src=core.ip, dst="224.0.1.187", ttl=1) / UDP(sport=5683, dport=5683) /
             Raw(bytes.fromhex("50020000b168ff") + bytes.fromhex(device_id)))


def online(net, core, pings=2, keepalive=15, dup=False, server=CLOUD_IP):
    """A full session: handshake, presence, answered pings; left open."""
    c = Conn(net, core, server, 5683, dup=dup)
    c.open()
    c.handshake()
    presence(net, core)
    for _ in range(pings):
        net.wait(keepalive)
        c.core_sends(18)
        c.cloud_sends(18)
    return c


def boot(net, core, name=CLOUD_NAME, dhcp=True):
    if dhcp:
        dhcp_ok(net, core.mac, core.ip)
    net.emit(Ether(src=core.mac, dst=BCAST) / ARP(op=1, hwsrc=core.mac, psrc=core.ip,
                                                  pdst=ROUTER_IP))
    net.wait(0.01)
    dns(net, core, name)


def inettest(net, core, result="ok", dup=False):
    c = Conn(net, core, INETTEST[0], INETTEST[1], dup=dup)
    if result == "ok":
        c.open()
        c.core_closes()
    elif result == "rst":
        c.c("S")
        net.wait(0.02)
        c.s("RA", seq=0)
    else:
        c.syns(3)
    net.wait(0.5)


def expect(exit_code, active=(), inactive=(), **kw):
    e = dict(exit=exit_code, active=list(active), inactive=list(inactive))
    e.update(kw)
    return e


# --- one capture per finding ---------------------------------------------

@capture
def healthy(net):
    core = Host(net, CORE, CORE_IP)
    boot(net, core)
    online(net, core)
    net.wait(5)
    return expect(0, ["core.seen@" + SUBJ, "core.cloud_ok@" + SUBJ],
                  ["severity>=warning"],
                  devices={CORE: dict(state="online", identified_by="presence",
                                      device_id=DEVICE_ID, ip=CORE_IP)},
                  detail={"core.cloud_ok": "a ping answered"})


@capture
def no_lease(net):
    core = Host(net, CORE, None)
    xid = 0x1234
    for i in range(4):
        dhcp_msg(net, CORE, 1, "discover", xid)
        net.wait([1, 2, 4, 8][i])
    return expect(2, ["core.no_lease@" + SUBJ], ["core.cloud_ok", "core.static_ip"],
                  detail={"core.no_lease": "4 DISCOVERs, 0 REQUESTs over 7 s: no offer"},
                  devices={CORE: dict(state="dhcp", identified_by="oui")})


@capture
def no_lease_nak(net):
    lease = [("server_id", ROUTER_IP), ("subnet_mask", "255.255.255.0")]
    for _ in range(3):
        xid = net.rnd.getrandbits(32)
        dhcp_msg(net, CORE, 1, "request", xid, opts=[("requested_addr", "10.9.9.9")])
        net.wait(0.01)
        dhcp_msg(net, CORE, 2, "nak", xid, opts=lease[:1])
        net.wait(4)
    return expect(2, ["core.no_lease@" + SUBJ],
                  detail={"core.no_lease": "DHCPNAK from 198.18.1.1"})


@capture
def no_lease_then_ack(net):
    """A lease after the failure clears core.no_lease."""
    for i in range(4):
        dhcp_msg(net, CORE, 1, "discover", 7)
        net.wait(4)
    dhcp_ok(net, CORE, CORE_IP)
    net.wait(1)
    return expect(0, ["core.seen@" + SUBJ], ["core.no_lease@" + SUBJ, "severity>=warning"],
                  cleared=["core.no_lease@" + SUBJ])


@capture
def static_ip(net):
    """The LAN is 198.18.1.0/24 (the laptop's DHCP says so); the Core is elsewhere."""
    dhcp_ok(net, LAPTOP, "198.18.1.150")
    core = Host(net, CORE, "198.19.77.5")
    for _ in range(3):
        net.emit(Ether(src=CORE, dst=BCAST) / ARP(op=1, hwsrc=CORE, psrc=core.ip,
                                                  pdst="198.19.77.1"))
        net.wait(1)
    return expect(1, ["core.static_ip@" + SUBJ], ["core.no_lease", "core.bad_dns_server"],
                  detail={"core.static_ip": "uses 198.19.77.5, outside the LAN's subnet "
                                            "198.18.1.0/24 (learned from DHCP answers)"})


@capture
def bad_dns(net):
    core = Host(net, CORE, CORE_IP)
    dhcp_ok(net, CORE, CORE_IP)
    for _ in range(2):
        dns(net, core, CLOUD_NAME, server="76.83.0.0", answer=None)
        net.wait(6)
    # The bogus server alone: its unanswered queries are no second finding.
    return expect(2, ["core.bad_dns_server@" + SUBJ], ["core.cloud_ok", "core.dns_failed"],
                  detail={"core.bad_dns_server": "sent to 76.83.0.0; the server DHCP gave "
                                                 "it: 198.18.1.1 (DHCP option 6)"},
                  devices={CORE: dict(state="dns")})


@capture
def dns_nxdomain(net):
    core = Host(net, CORE, CORE_IP)
    dhcp_ok(net, CORE, CORE_IP)
    dns(net, core, CLOUD_NAME, answer=None, rcode=3)
    inettest(net, core)
    return expect(2, ["core.dns_failed@" + SUBJ], ["core.bad_dns_server", "core.cloud_ok",
                                                   "core.internet_test_blocked"],
                  detail={"core.dns_failed": "NXDOMAIN"})


@capture
def dns_timeout(net):
    """Unanswered, retransmitted with the same ID: one failure, not three."""
    core = Host(net, CORE, CORE_IP)
    dhcp_ok(net, CORE, CORE_IP)
    dns(net, core, CLOUD_NAME, answer=None, tries=3)
    net.wait(6)
    return expect(2, ["core.dns_failed@" + SUBJ],
                  detail={"core.dns_failed": "unanswered after 5 s (1 in a row)"})


@capture
def dns_pending_at_end(net):
    """A query 1 s before the capture ends is not judged yet."""
    core = Host(net, CORE, CORE_IP)
    boot(net, core)
    online(net, core, pings=1)
    net.wait(10)
    dns(net, core, CLOUD_NAME, answer=None)
    net.wait(1)
    dns(net, Host(net, LAPTOP, "198.18.1.150"), "example.org")
    return expect(0, ["core.cloud_ok@" + SUBJ], ["core.dns_failed", "severity>=warning"])


@capture
def cloud_blocked(net):
    core = Host(net, CORE, CORE_IP)
    boot(net, core)
    for _ in range(2):
        Conn(net, core, CLOUD_IP, 5683).syns(4)
        net.wait(2)
        inettest(net, core)
        net.wait(2)
    return expect(2, ["core.cloud_blocked@" + SUBJ],
                  ["core.cloud_ok", "core.cloud_rejected", "core.internet_test_blocked"],
                  detail={"core.cloud_blocked": "8 SYNs to 198.18.100.10:5683 over"},
                  devices={CORE: dict(state="offline")})


@capture
def cloud_blocked_defaults(net):
    """The real defaults: device.spark.io, the firmware's fallback address."""
    core = Host(net, CORE, CORE_IP)
    boot(net, core, name="device.spark.io")
    Conn(net, core, "54.208.229.4", 5683).syns(4, gaps=(1, 2, 4))
    net.wait(10)
    return expect(2, ["core.cloud_blocked@" + SUBJ], config="default",
                  detail={"core.cloud_blocked":
                          "4 SYNs to 54.208.229.4:5683 over 7 s, no answer"})


@capture
def cloud_rejected(net):
    core = Host(net, CORE, CORE_IP)
    boot(net, core)
    for _ in range(3):
        c = Conn(net, core, CLOUD_IP, 5683)
        c.c("S")
        net.wait(0.02)
        c.s("RA", seq=0)
        net.wait(2)
    return expect(2, ["core.cloud_rejected@" + SUBJ], ["core.cloud_blocked", "core.cloud_ok"],
                  detail={"core.cloud_rejected":
                          "SYN to 198.18.100.10:5683 answered by RST (3 times over 4 s)"})


@capture
def cloud_rejected_icmp(net):
    core = Host(net, CORE, CORE_IP)
    boot(net, core)
    c = Conn(net, core, CLOUD_IP, 5683)
    c.c("S")
    syn = net.frames[-1]
    net.wait(0.02)
    net.emit(Ether(src=ROUTER, dst=CORE) / IP(src=ROUTER_IP, dst=CORE_IP) /
             ICMP(type=3, code=13) / bytes(syn[IP])[:28])
    net.wait(1)
    return expect(2, ["core.cloud_rejected@" + SUBJ],
                  detail={"core.cloud_rejected": "ICMP unreachable (code 13)"})


@capture
def handshake_rejected(net):
    core = Host(net, CORE, CORE_IP)
    boot(net, core)
    c = Conn(net, core, CLOUD_IP, 5683)
    c.open()
    c.handshake(upto="256")
    net.wait(0.1)
    c.cloud_closes()
    net.wait(2)
    return expect(2, ["core.handshake_rejected@" + SUBJ],
                  ["core.key_mismatch", "core.cloud_ok", "core.reconnect_loop"],
                  detail={"core.handshake_rejected": "the cloud closed (FIN) after the "
                                                     "Core's 256 bytes"})


@capture
def key_mismatch(net):
    core = Host(net, CORE, CORE_IP)
    boot(net, core)
    c = Conn(net, core, CLOUD_IP, 5683)
    c.open()
    c.handshake(upto="384")
    net.wait(0.1)
    c.core_closes()
    net.wait(2)
    return expect(2, ["core.key_mismatch@" + SUBJ], ["core.handshake_rejected", "core.cloud_ok"],
                  detail={"core.key_mismatch": "after the cloud's 384 bytes without"})


@capture
def keepalive_lost(net):
    core = Host(net, CORE, CORE_IP)
    boot(net, core)
    c = online(net, core, pings=1)
    net.wait(15)
    c.core_sends(18)            # the ping; the cloud's ACK only, no answer
    net.wait(10)
    c.core_closes()
    net.wait(1)
    return expect(1, ["core.keepalive_lost@" + SUBJ], ["core.cloud_ok@" + SUBJ],
                  cleared=["core.cloud_ok@" + SUBJ],
                  detail={"core.keepalive_lost": "unanswered for 10 s"},
                  devices={CORE: dict(state="offline")})


@capture
def reconnect_loop(net):
    """Sessions that complete the handshake and drop, again and again."""
    core = Host(net, CORE, CORE_IP)
    boot(net, core)
    for _ in range(4):
        c = Conn(net, core, CLOUD_IP, 5683)
        c.open()
        c.handshake()
        net.wait(3)
        c.cloud_closes("RA")
        net.wait(30)
    return expect(1, ["core.reconnect_loop@" + SUBJ],
                  ["core.handshake_rejected", "core.key_mismatch"],
                  detail={"core.reconnect_loop": "4 sessions seen in all"})


@capture
def internet_test_blocked(net):
    core = Host(net, CORE, CORE_IP)
    boot(net, core)
    c = Conn(net, core, CLOUD_IP, 5683)
    c.c("S")
    net.wait(0.02)
    c.s("RA", seq=0)
    net.wait(0.1)
    inettest(net, core, "rst")
    net.wait(3)
    inettest(net, core, "timeout")
    net.wait(10)
    return expect(2, ["core.internet_test_blocked@" + SUBJ, "core.cloud_rejected@" + SUBJ],
                  detail={"core.internet_test_blocked":
                          "TCP connect to 198.18.100.88:53: 3 SYNs over 3 s, no answer"})


@capture
def blocked_then_ok(net):
    """A successful session clears the failures before it."""
    core = Host(net, CORE, CORE_IP)
    boot(net, core)
    Conn(net, core, CLOUD_IP, 5683).syns(4)
    net.wait(3)
    inettest(net, core, "rst")
    net.wait(10)
    c = Conn(net, core, CLOUD_IP, 5683)
    c.open()
    c.handshake(upto="384")
    c.core_closes()
    net.wait(5)
    dns(net, core, CLOUD_NAME)
    online(net, core, pings=1)
    inettest(net, core)
    net.wait(2)
    cleared = ["core.cloud_blocked@" + SUBJ, "core.key_mismatch@" + SUBJ,
               "core.internet_test_blocked@" + SUBJ]
    return expect(0, ["core.cloud_ok@" + SUBJ], ["severity>=warning"], cleared=cleared)


@capture
def cloud_session_identified(net):
    """A device outside the OUIs is a Core by its nonce; a laptop is not."""
    laptop = Host(net, LAPTOP, "198.18.1.150")
    other = Conn(net, laptop, "198.18.100.11", 5683)
    other.open()
    other.cloud_sends(41)
    other.core_sends(300)
    odd = Host(net, ODD, "198.18.1.160")
    dhcp_ok(net, ODD, odd.ip)
    c = Conn(net, odd, CLOUD_IP, 5683)
    c.open()
    c.handshake(upto="384")
    c.core_closes()
    net.wait(1)
    subj = "core:" + ODD
    return expect(2, ["core.seen@" + subj, "core.key_mismatch@" + subj],
                  ["*@core:" + LAPTOP],
                  devices={ODD: dict(identified_by="cloud_session", ip=odd.ip)},
                  no_devices=[LAPTOP])


@capture
def retransmissions(net):
    """Retransmitted and split handshake segments count once: still healthy."""
    core = Host(net, CORE, CORE_IP)
    boot(net, core)
    c = Conn(net, core, CLOUD_IP, 5683)
    c.open()
    c.cloud_sends(40, retransmit=True)
    c.core_sends(256, retransmit=True)
    c.cloud_sends(384, segments=3, retransmit=True)
    c.core_sends(18, retransmit=True)
    c.cloud_sends(18)
    net.wait(15)
    c.core_sends(18)
    c.cloud_sends(18)
    return expect(0, ["core.cloud_ok@" + SUBJ], ["severity>=warning"])


@capture
def midstream(net):
    """The capture starts while the session runs: pings answered are enough."""
    core = Host(net, CORE, CORE_IP)
    c = Conn(net, core, CLOUD_IP, 5683)
    for _ in range(2):
        c.core_sends(18)
        c.cloud_sends(18)
        net.wait(15)
    return expect(0, ["core.cloud_ok@" + SUBJ], ["severity>=warning"],
                  devices={CORE: dict(state="online")})


@capture
def core_expires(net):
    """A Core silent for longer than the idle time leaves; its findings clear."""
    core = Host(net, CORE, CORE_IP)
    boot(net, core)
    Conn(net, core, CLOUD_IP, 5683).syns(4)
    laptop = Host(net, LAPTOP, "198.18.1.150")
    for _ in range(20):
        net.wait(60)
        dns(net, laptop, "example.org", answer="198.18.100.99")
    return expect(0, [], ["core.*"], cleared=["core.cloud_blocked@" + SUBJ],
                  no_devices=[CORE])


# --- captures that stop early, and bad days --------------------------------

@capture
def nak_at_end(net):
    """A DHCPNAK 2 s before the capture ends: decisive, judged at the end."""
    core = Host(net, CORE, None)
    xid = 0x4321
    dhcp_msg(net, CORE, 1, "request", xid, opts=[("requested_addr", "10.9.9.9")])
    net.wait(0.01)
    dhcp_msg(net, CORE, 2, "nak", xid, opts=[("server_id", ROUTER_IP)])
    net.wait(2)
    return expect(2, ["core.no_lease@" + SUBJ], ["core.static_ip"],
                  detail={"core.no_lease": "DHCPNAK from 198.18.1.1, no ACK until the "
                                           "capture ended, 2 s after the first request"})


def syns_then_end(net, dst, n, tail):
    """The Core's n unanswered SYNs to dst, the capture ending tail s later."""
    core = Host(net, CORE, CORE_IP)
    boot(net, core)
    Conn(net, core, dst[0], dst[1]).syns(n)
    net.wait(tail)


@capture
def syns_at_end(net):
    """Three unanswered SYNs, the capture ends 6 s after the first."""
    syns_then_end(net, (CLOUD_IP, 5683), 3, 3)
    return expect(2, ["core.cloud_blocked@" + SUBJ], ["core.cloud_ok"],
                  detail={"core.cloud_blocked": "3 SYNs to 198.18.100.10:5683 over 3 s, no "
                                                "answer until the capture ended, 6 s after "
                                                "the first SYN"})


@capture
def inettest_syns_at_end(net):
    """The internet test's three SYNs, cut short by the end of the capture."""
    syns_then_end(net, INETTEST, 3, 1)
    return expect(1, ["core.internet_test_blocked@" + SUBJ], ["core.cloud_blocked"],
                  detail={"core.internet_test_blocked": "3 SYNs over 3 s, no answer until "
                                                        "the capture ended, 4 s after the "
                                                        "first SYN"})


@capture
def one_syn_at_end(net):
    """Never on a single packet: one SYN, then the capture ends."""
    syns_then_end(net, (CLOUD_IP, 5683), 1, 2)
    return expect(0, ["core.seen@" + SUBJ], ["severity>=warning"])


def reboot_after(net, last):
    """A session whose last message is last(c); then the Core loses power
    (no FIN) and comes back with a fresh DHCP exchange and a new session."""
    core = Host(net, CORE, CORE_IP)
    boot(net, core)
    c = online(net, core, pings=1)
    last(c)
    net.wait(14)                # power off, booting, joining the Wi-Fi
    xid = net.rnd.getrandbits(32)
    lease = [("server_id", ROUTER_IP), ("subnet_mask", "255.255.255.0"),
             ("name_server", ROUTER_IP)]
    dhcp_msg(net, CORE, 1, "request", xid, opts=[("requested_addr", CORE_IP)])
    net.wait(0.01)
    dhcp_msg(net, CORE, 2, "ack", xid, CORE_IP, lease)
    net.emit(Ether(src=CORE, dst=BCAST) / ARP(op=1, hwsrc=CORE, psrc=CORE_IP, pdst=ROUTER_IP))
    dns(net, core, CLOUD_NAME)
    online(net, core, pings=0)  # ends before a ping could clear a wrong verdict
    net.wait(2)


def ack(c):
    c.net.wait(5)
    c.cloud_sends(50)           # a request of the cloud
    c.core_sends(18)            # the Core's empty acknowledgement: no ping


def lost_ping(c):
    c.net.wait(15)
    c.core_sends(18)            # a ping; power goes before the answer comes


@capture
def ack_then_reboot(net):
    """An 18-byte acknowledgement is no ping: nothing awaits an answer."""
    reboot_after(net, ack)
    return expect(0, ["core.seen@" + SUBJ], ["severity>=warning"],
                  devices={CORE: dict(state="online")})


@capture
def ping_then_reboot(net):
    """A ping unanswered when the Core restarts: a restart, no keepalive loss."""
    reboot_after(net, lost_ping)
    return expect(0, ["core.seen@" + SUBJ], ["severity>=warning"],
                  devices={CORE: dict(state="online")})


@capture
def reflash(net):
    """An over-the-air reflash: the update's chunks, a restart, and again
    (a deep update restarts up to three times); then a lasting session."""
    core = Host(net, CORE, CORE_IP)
    boot(net, core)
    for _ in range(3):
        c = Conn(net, core, CLOUD_IP, 5683)
        c.open()
        c.handshake()
        presence(net, core)
        for _ in range(8):      # firmware chunks, each acknowledged
            c.cloud_sends(530)
            c.core_sends(18)
        net.wait(3)             # restart: no FIN, then DHCP again
        boot(net, core)
    online(net, core, pings=1)
    net.wait(2)
    return expect(0, ["core.cloud_ok@" + SUBJ],
                  ["core.reconnect_loop", "core.keepalive_lost", "severity>=warning"])


@capture
def oui_only(net):
    """A device with a Core's vendor prefix that never talks to the cloud."""
    Host(net, CORE, CORE_IP)
    dhcp_ok(net, CORE, CORE_IP)
    net.emit(Ether(src=CORE, dst=BCAST) / ARP(op=1, hwsrc=CORE, psrc=CORE_IP, pdst=ROUTER_IP))
    net.wait(1)
    return expect(0, ["core.seen@" + SUBJ], ["severity>=warning"],
                  detail={"core.seen": "vendor prefix (OUI) alone, not yet confirmed"},
                  devices={CORE: dict(identified_by="oui")})


@capture
def other_dhcp_server(net):
    """The Core's lease comes from a second server in another subnet."""
    xid = 0x5150
    lease = [("server_id", "192.168.0.1"), ("subnet_mask", "255.255.255.0"),
             ("router", "192.168.0.1"), ("name_server", "192.168.0.1")]
    dhcp_msg(net, CORE, 1, "discover", xid)
    net.wait(0.01)
    dhcp_msg(net, CORE, 2, "offer", xid, "192.168.0.50", lease)
    net.wait(0.01)
    dhcp_msg(net, CORE, 1, "request", xid, opts=[("requested_addr", "192.168.0.50")])
    net.wait(0.01)
    dhcp_msg(net, CORE, 2, "ack", xid, "192.168.0.50", lease)
    net.wait(1)
    dhcp_ok(net, LAPTOP, "198.18.1.150")
    core = Host(net, CORE, "192.168.0.50")
    net.emit(core.ip_out("192.168.0.1") / UDP(sport=5000, dport=53) / Raw(b"\0" * 12))
    net.wait(1)
    return expect(1, ["core.dhcp_other_server@" + SUBJ], ["core.static_ip"],
                  detail={"core.dhcp_other_server": "uses 192.168.0.50, leased by the DHCP "
                                                    "server 192.168.0.1, outside the LAN's "
                                                    "subnet 198.18.1.0/24"})


@capture
def two_cores(net):
    """Two Cores, each with its own subject: one fine, one blocked."""
    a = Host(net, CORE, CORE_IP)
    b = Host(net, CORE2, "198.18.1.124")
    boot(net, a)
    boot(net, b)
    online(net, a, pings=1)
    Conn(net, b, CLOUD_IP, 5683).syns(4)
    net.wait(10)
    return expect(2, ["core.cloud_ok@" + SUBJ, "core.cloud_blocked@core:" + CORE2],
                  ["core.cloud_blocked@" + SUBJ, "core.cloud_ok@core:" + CORE2])


# --- the same traffic in other shapes --------------------------------------

def noise(net, seconds, rate=40):
    """Laptops streaming, browsing and resolving; none of it the Core's."""
    laptop = Host(net, LAPTOP, "198.18.1.150")
    tv = Host(net, "02:cd:1a:b0:00:60", "198.18.1.151")
    web = Conn(net, laptop, "198.18.100.80", 80)
    web.open()
    stream = Conn(net, tv, "198.18.100.99", 443)
    stream.open()
    for i in range(int(seconds * rate)):
        r = net.rnd.random()
        if r < 0.5:
            stream.cloud_sends(1200)
        elif r < 0.7:
            web.core_sends(300)
        elif r < 0.8:
            dns(net, laptop, "host%d.example.org" % i, answer="198.18.100.%d" % (i % 200))
        elif r < 0.85:
            net.emit(Ether(src=LAPTOP, dst=BCAST) /
                     ARP(op=1, hwsrc=LAPTOP, psrc=laptop.ip, pdst="198.18.1.%d" % (i % 250)))
        elif r < 0.9:
            net.emit(laptop.ip_out("198.18.100.11") / UDP(sport=5000, dport=5683) /
                     Raw(b"\x40\x00\x12\x34"))
        else:
            net.emit(tv.ip_out("198.18.100.99") / UDP(sport=6000, dport=6000) /
                     Raw(net.rbytes(900)))
        net.wait(1.0 / rate)
    dhcp_ok(net, "02:cd:1a:b0:00:61", "198.18.1.152")


@capture
def noisy(net):
    core = Host(net, CORE, CORE_IP)
    noise(net, 5)
    boot(net, core)
    c = online(net, core, pings=1)
    noise(net, 10)
    c.core_sends(18)
    c.cloud_sends(18)
    return expect(0, ["core.cloud_ok@" + SUBJ], ["severity>=warning"],
                  devices={CORE: dict(state="online")}, ndevices=1)


def healthy_expect(**kw):
    return expect(0, ["core.seen@" + SUBJ, "core.cloud_ok@" + SUBJ], ["severity>=warning"],
                  devices={CORE: dict(state="online", device_id=DEVICE_ID)}, **kw)


@capture
def vlan(net):
    healthy(net)
    return healthy_expect(link="vlan")


@capture
def sll(net):
    """tcpdump -i any on the router: cooked v1, forwarded packets twice."""
    core = Host(net, CORE, CORE_IP)
    boot(net, core)
    online(net, core, dup=True)
    return healthy_expect(link="sll")


@capture
def sll2(net):
    core = Host(net, CORE, CORE_IP)
    boot(net, core)
    online(net, core, dup=True)
    return healthy_expect(link="sll2")


@capture
def sll_blocked(net):
    """Duplicate copies of each SYN count once: 4 SYNs, not 8."""
    core = Host(net, CORE, CORE_IP)
    boot(net, core)
    Conn(net, core, CLOUD_IP, 5683, dup=True).syns(4, gaps=(1, 2, 4))
    net.wait(10)
    return expect(2, ["core.cloud_blocked@" + SUBJ], link="sll2",
                  detail={"core.cloud_blocked": "4 SYNs to 198.18.100.10:5683 over 7 s"})


@capture
def pcapng(net):
    healthy(net)
    return healthy_expect(fmt="pcapng", capture={"dropped": None})


def isb_time(net, after):
    """An ISB's time `after` s past the last packet (build() adds one more)."""
    t = net.t + after
    return t, time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(t)))


@capture
def pcapng_drops(net):
    """dumpcap's statistics at the end: the last ISB counts, not the sum."""
    healthy(net)
    t, seen = isb_time(net, 2.5)
    return expect(1, ["sniff.drops@sniff:eth0", "core.cloud_ok@" + SUBJ],
                  ["core.cloud_blocked", "core.dns_failed"], fmt="pcapng",
                  sections=[dict(ifaces=["eth0"],
                                 isbs=[(0, t - 3, 1000, 30), (0, t, 1200, 34)])],
                  detail={"sniff.drops": "the capture file records 1234 packets dropped "
                                         "on eth0 (1200 by the interface, 34 by the OS)"},
                  seen={"sniff.drops@sniff:eth0": seen}, capture={"dropped": 1234})


@capture
def pcapng_no_drops(net):
    """Statistics that record no drop: nothing to raise."""
    healthy(net)
    t, _ = isb_time(net, 2.5)
    return healthy_expect(fmt="pcapng", sections=[dict(ifaces=["eth0"], isbs=[(0, t, 0, 0)])],
                          capture={"dropped": 0})


@capture
def pcapng_drops_be(net):
    """Big-endian, two unnamed interfaces, isb_osdrop left out on one."""
    healthy(net)
    t, seen = isb_time(net, 1.5)
    return expect(1, ["sniff.drops@sniff:1", "core.cloud_ok@" + SUBJ], ["sniff.drops@sniff:0"],
                  fmt="pcapng", sections=[dict(endian=">", ifaces=[None, None],
                                               isbs=[(0, t, 0, 0), (1, t, 7, None)])],
                  detail={"sniff.drops": "7 packets dropped on interface 1 (7 by the "
                                         "interface, 0 by the OS)"},
                  seen={"sniff.drops@sniff:1": seen}, capture={"dropped": 7})


@capture
def pcapng_sections(net):
    """Two ring-buffer files concatenated: each section's counters run from
    the capture's start, so eth0 dropped 34, not 10 + 34."""
    healthy(net)
    t, seen = isb_time(net, 1.5)
    return expect(1, ["sniff.drops@sniff:eth0", "core.cloud_ok@" + SUBJ], fmt="pcapng",
                  sections=[dict(ifaces=["eth0"], isbs=[(0, t - 20, 10, 0)]),
                            dict(ifaces=["eth0"], isbs=[(0, t, 30, 4)])],
                  detail={"sniff.drops": "records 34 packets dropped on eth0 (30 by the "
                                         "interface, 4 by the OS)"},
                  seen={"sniff.drops@sniff:eth0": seen}, capture={"dropped": 34})


@capture
def ipv6(net):
    """An IPv6 cloud session (Photon-like) rejected by the cloud; v6 noise."""
    core = Host(net, CORE, "2001:db8:1::123")
    laptop = Host(net, LAPTOP, "2001:db8:1::150")
    dns(net, laptop, "example.org", server="2001:db8:1::1", answer="2001:db8:100::99")
    dns(net, core, CLOUD_NAME, server="2001:db8:1::1", answer="2001:db8:100::10")
    c = Conn(net, core, "2001:db8:100::10", 5683)
    c.open()
    c.handshake(upto="256")
    c.cloud_closes("RA")
    net.wait(1)
    return expect(2, ["core.handshake_rejected@" + SUBJ, "core.seen@" + SUBJ],
                  devices={CORE: dict(ip="2001:db8:1::123")})


# --- damage ----------------------------------------------------------------

@capture
def damaged(net):
    """Healthy traffic with broken records between, and a cut-off end."""
    healthy(net)
    return expect(0, ["core.cloud_ok@" + SUBJ], ["severity>=warning"],
                  capture={"damaged": ">=5", "error": "present"}, damage="some")


@capture
def garbage(net):
    """Nothing but random frames."""
    return expect("0-2", [], [], capture={"damaged": ">=1", "packets": 2000}, damage="all")


# --- writing ---------------------------------------------------------------

PKTTYPE_HOST, PKTTYPE_BCAST, PKTTYPE_MCAST, PKTTYPE_OTHER, PKTTYPE_OUT = 0, 1, 2, 3, 4


def pkttype(frame):
    e = frame[Ether]
    if e.dst == BCAST:
        return PKTTYPE_BCAST
    if int(e.dst.split(":")[0], 16) & 1:
        return PKTTYPE_MCAST
    if e.src in (ROUTER, ROUTER_WAN):
        return PKTTYPE_OUT
    return PKTTYPE_HOST


def relink(frame, link):
    """An Ethernet frame as the link type asks: bytes."""
    e = frame[Ether]
    if link == "vlan":
        return bytes(Ether(src=e.src, dst=e.dst) / Dot1Q(vlan=10, type=e.type) / e.payload)
    if link == "sll":
        return bytes(CookedLinux(pkttype=pkttype(frame), lladdrtype=1, lladdrlen=6,
                                 src=mac_bytes(e.src)[:8], proto=e.type) / e.payload)
    if link == "sll2":
        return bytes(CookedLinuxV2(proto=e.type, ifindex=3 if getattr(frame, "cd_dup", 0) else 2,
                                   lladdrtype=1, pkttype=pkttype(frame), lladdrlen=6,
                                   src=mac_bytes(e.src)[:8]) / e.payload)
    return bytes(frame)


LINKTYPES = {"en10mb": 1, "vlan": 1, "sll": 113, "sll2": 276}


def damage_records(recs, rnd, every=9):
    """Insert broken records: cut headers, bad IP, caplen above len."""
    out = []
    for i, (t, data, wlen) in enumerate(recs):
        out.append((t, data, wlen))
        if i % every == 0 and len(data) > 40:
            kind = (i // every) % 3
            if kind == 0:       # cut inside the IP header
                out.append((t, data[:20], wlen))
            elif kind == 1:     # an IPv4 header length below 20
                bad = bytearray(data)
                bad[14] = 0x42
                out.append((t, bytes(bad), len(bad)))
            else:               # claims more captured than sent
                out.append((t, data, len(data) - 1))
    return out


def garbage_records(rnd, n=2000):
    recs = []
    for i in range(n):
        length = rnd.randrange(1, 300)
        data = bytearray(rnd.getrandbits(8) for _ in range(length))
        if i % 2 and length > 14:
            data[12:14] = rnd.choice([b"\x08\x00", b"\x86\xdd", b"\x08\x06", b"\x81\x00"])
        wlen = length + (rnd.randrange(0, 50) if i % 3 == 0 else 0)
        recs.append((T0 + i * 0.001, bytes(data), wlen))
    return recs


def write_pcap(path, linktype, recs, cut_tail=False):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, linktype))
        for t, data, wlen in recs:
            sec, usec = int(t), int(round((t - int(t)) * 1e6))
            if usec >= 1000000:
                sec, usec = sec + 1, usec - 1000000
            f.write(struct.pack("<IIII", sec, usec, len(data), wlen) + data)
        if cut_tail:            # a record header promising more than is there
            f.write(struct.pack("<IIII", int(recs[-1][0]) + 1, 0, 100, 100) + b"\0" * 10)


def pcapng_section(linktype, recs, ifaces=(None,), isbs=(), endian="<"):
    """One section: an IDB per name in ifaces (None: no if_name), the
    packets on the first, then an Interface Statistics Block for each
    (interface, time, ifdrop, osdrop) in isbs (None leaves one out), as
    dumpcap writes them when it stops.  scapy's writer writes no ISB."""
    def block(btype, body):
        body += b"\0" * (-len(body) % 4)
        n = len(body) + 12
        return struct.pack(endian + "II", btype, n) + body + struct.pack(endian + "I", n)

    def opt(code, value):
        return struct.pack(endian + "HH", code, len(value)) + value + b"\0" * (-len(value) % 4)

    def isb(ifid, t, ifdrop, osdrop):
        ts = int(round(t * 1e6))
        body = struct.pack(endian + "III", ifid, ts >> 32, ts & 0xffffffff)
        body += opt(4, struct.pack(endian + "Q", len(recs)))       # isb_ifrecv
        for code, value in ((5, ifdrop), (7, osdrop)):
            if value is not None:
                body += opt(code, struct.pack(endian + "Q", value))
        return block(5, body + opt(0, b""))

    out = [block(0x0A0D0D0A, struct.pack(endian + "IHHq", 0x1A2B3C4D, 1, 0, -1))]
    for name in ifaces:
        out.append(block(1, struct.pack(endian + "HHI", linktype, 0, 65535) +
                         (opt(2, name.encode()) + opt(0, b"") if name else b"")))
    for t, data, wlen in recs:
        ts = int(round(t * 1e6))
        out.append(block(6, struct.pack(endian + "IIIII", 0, ts >> 32, ts & 0xffffffff,
                                        len(data), wlen) + data))
    out.extend(isb(*i) for i in isbs)
    return b"".join(out)


def write_pcapng(path, linktype, recs, sections=({},)):
    """A section per dict in sections (pcapng_section's keywords), the
    records shared out in order, as `cat` of ring-buffer files gives."""
    with open(path, "wb") as f:
        n = len(sections)
        for i, sec in enumerate(sections):
            f.write(pcapng_section(linktype, recs[i * len(recs) // n:(i + 1) * len(recs) // n],
                                   **sec))


def pcapng_args(exp):
    return dict(sections=exp.get("sections", [{}]))


def build(name):
    net = Net(seed=sum(map(ord, name)))
    exp = CAPTURES[name](net)
    # The capture's clock stops at its last packet: end on someone else's.
    net.emit(Ether(src=LAPTOP, dst=BCAST) / ARP(op=1, hwsrc=LAPTOP, psrc="198.18.1.150",
                                                pdst=ROUTER_IP))
    link = exp.get("link", "en10mb")
    fmt = exp.get("fmt", "pcap")
    recs = [(float(f.time), relink(f, link), None) for f in net.frames]
    recs = [(t, d, len(d)) for t, d, _ in recs]
    if exp.get("damage") == "some":
        recs = damage_records(recs, net.rnd)
    elif exp.get("damage") == "all":
        recs = garbage_records(net.rnd)
    return exp, link, fmt, recs


def write(outdir, name):
    exp, link, fmt, recs = build(name)
    path = os.path.join(outdir, name + "." + fmt)
    if fmt == "pcapng":
        write_pcapng(path, LINKTYPES[link], recs, **pcapng_args(exp))
    else:
        write_pcap(path, LINKTYPES[link], recs, cut_tail=exp.get("damage") == "some")
    exp.setdefault("config", "lab")
    exp["file"] = os.path.basename(path)
    exp["records"] = len(recs)
    with open(os.path.join(outdir, name + ".json"), "w") as f:
        json.dump(exp, f, indent=1, sort_keys=True)


SEEDS = ("healthy", "key_mismatch", "handshake_rejected", "keepalive_lost", "no_lease",
         "bad_dns", "static_ip", "cloud_rejected_icmp", "cloud_session_identified", "vlan",
         "sll", "sll2", "pcapng", "ipv6", "damaged", "garbage")


def seeds(outdir, names=SEEDS):
    """Each capture as a file of at most 4096 bytes (the fuzzers' max_len)."""
    os.makedirs(outdir, exist_ok=True)
    for name in names:
        exp, link, fmt, recs = build(name)
        path = os.path.join(outdir, name + "." + fmt)
        while recs:
            if fmt == "pcapng":   # its statistics stay: they come after the packets
                write_pcapng(path, LINKTYPES[link], recs, **pcapng_args(exp))
            else:
                write_pcap(path, LINKTYPES[link], recs)
            if os.path.getsize(path) <= 4096:
                break
            recs = recs[:-1]


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--list":
        print("\n".join(CAPTURES))
        return
    if len(sys.argv) > 2 and sys.argv[1] == "--seeds":
        seeds(sys.argv[2], sys.argv[3:] or SEEDS)
        return
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    for name in sys.argv[2:] or CAPTURES:
        if name not in CAPTURES:
            sys.exit("gen.py: no capture named %r (--list)" % name)
        write(outdir, name)


if __name__ == "__main__":
    main()
