#!/usr/bin/python3
"""Write the benchmark's home-LAN capture: N packets (default 1,000,000).

  bench/gen.py OUTFILE [PACKETS]

What a router's LAN carries in an evening, as Ethernet frames (full
length, as `tcpdump -w` writes them): a TV streaming video (1448-byte TCP
segments and their ACKs), laptops browsing (TCP 443/80), a phone on QUIC
(UDP 443), their DNS, ARP, mDNS and SSDP chatter; and five Spark Cores on
the lab's cloud address (198.18.100.10:5683): three healthy (DHCP, DNS,
handshake, presence, pings every 15 s), one whose keys do not match (a new
session every 30 s closed after the 384 bytes), one whose SYNs are never
answered.  Written with struct, not scapy: a million packets in seconds.
Addresses stay in 198.18.0.0/15 and 2001:db8::/32; nothing is sent.
"""

import random
import struct
import sys

T0 = 1700000000.0
ROUTER = bytes.fromhex("02cd1ab00001")
BCAST = b"\xff" * 6
ZERO = bytes(1600)
CLOUD = (198, 18, 100, 10)


def ip4(*a):
    return bytes(a)


class Writer:
    def __init__(self, path):
        self.f = open(path, "wb", buffering=1 << 20)
        self.f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 262144, 1))
        self.n = 0

    def frame(self, t, data):
        sec = int(t)
        self.f.write(struct.pack("<IIII", sec, int((t - sec) * 1e6), len(data), len(data)))
        self.f.write(data)
        self.n += 1


def eth(src, dst, etype):
    return dst + src + struct.pack("!H", etype)


def ipv4(src, dst, proto, l4len, ident=0):
    return struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + l4len, ident & 0xffff, 0x4000, 64,
                       proto, 0, src, dst)


def tcp(sport, dport, seq, ack, flags, payload_len):
    hdr = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xffffffff, ack & 0xffffffff,
                      5 << 4, flags, 65535, 0, 0)
    return hdr + ZERO[:payload_len]


def udp(sport, dport, payload):
    return struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload


FIN, SYN, RST, PSH, ACK = 1, 2, 4, 8, 16


class Host:
    def __init__(self, mac, ip):
        self.mac, self.ip = bytes.fromhex(mac), ip


class Flow:
    """A TCP connection between a LAN host and a server, both directions."""

    def __init__(self, host, srv, sport, dport):
        self.h, self.srv, self.sport, self.dport = host, srv, sport, dport
        self.cseq, self.sseq = random.getrandbits(32), random.getrandbits(32)
        self.ident = 0

    def out(self, flags, n=0):
        self.ident += 1
        seg = tcp(self.sport, self.dport, self.cseq, self.sseq, flags, n)
        self.cseq += n + (1 if flags & (SYN | FIN) else 0)
        return eth(self.h.mac, ROUTER, 0x0800) + ipv4(self.h.ip, self.srv, 6, len(seg),
                                                      self.ident) + seg

    def into(self, flags, n=0):
        seg = tcp(self.dport, self.sport, self.sseq, self.cseq, flags, n)
        self.sseq += n + (1 if flags & (SYN | FIN) else 0)
        return eth(ROUTER, self.h.mac, 0x0800) + ipv4(self.srv, self.h.ip, 6, len(seg)) + seg


def dns_msg(qid, name, answer=None):
    q = b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0"
    if answer is None:
        return struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0) + q + b"\0\1\0\1"
    return (struct.pack("!HHHHHH", qid, 0x8180, 1, 1, 0, 0) + q + b"\0\1\0\1" +
            b"\xc0\x0c\0\1\0\1" + struct.pack("!IH", 60, 4) + bytes(answer))


def dhcp_msg(mac, op, mtype, xid, yiaddr=b"\0\0\0\0"):
    bootp = struct.pack("!BBBBIHH4s4s4s4s16s64s128sI", op, 1, 6, 0, xid, 0, 0x8000,
                        b"\0" * 4, yiaddr, b"\0" * 4, b"\0" * 4, mac + b"\0" * 10,
                        b"", b"", 0x63825363)
    opts = bytes([53, 1, mtype])
    if op == 2:
        opts += bytes([54, 4, 198, 18, 1, 1, 1, 4, 255, 255, 255, 0, 3, 4, 198, 18, 1, 1])
    return bootp + opts + b"\xff"


class Lan:
    def __init__(self, w):
        self.w, self.t = w, T0

    def emit(self, data, dt=0.0):
        self.t += dt
        self.w.frame(self.t, data)

    def udp_out(self, host, dst, sport, dport, payload, dst_mac=ROUTER):
        seg = udp(sport, dport, payload)
        self.emit(eth(host.mac, dst_mac, 0x0800) + ipv4(host.ip, dst, 17, len(seg)) + seg)

    def udp_in(self, host, src, sport, dport, payload):
        seg = udp(sport, dport, payload)
        self.emit(eth(ROUTER, host.mac, 0x0800) + ipv4(src, host.ip, 17, len(seg)) + seg)

    def dns(self, host, name, answer):
        qid, port = random.getrandbits(16), 1024 + random.getrandbits(15)
        self.udp_out(host, ip4(198, 18, 1, 1), port, 53, dns_msg(qid, name))
        self.udp_in(host, ip4(198, 18, 1, 1), 53, port, dns_msg(qid, name, answer))

    def dhcp(self, host):
        xid = random.getrandbits(32)
        for op, mtype in ((1, 1), (2, 2), (1, 3), (2, 5)):
            src = host.mac if op == 1 else ROUTER
            sip = b"\0\0\0\0" if op == 1 else ip4(198, 18, 1, 1)
            seg = udp(68 if op == 1 else 67, 67 if op == 1 else 68,
                      dhcp_msg(host.mac, op, mtype, xid, host.ip if op == 2 else b"\0" * 4))
            self.emit(eth(src, BCAST, 0x0800) + ipv4(sip, b"\xff" * 4, 17, len(seg)) + seg)


class Core:
    """A Spark Core's life, one step per call of step()."""

    def __init__(self, lan, mac, ip, mode):
        self.lan, self.h, self.mode = lan, Host(mac, ip), mode
        self.next, self.flow, self.port = T0 + random.random() * 5, None, 30000
        self.stage = "boot"

    def session(self):
        self.port += 1
        f = Flow(self.h, bytes(CLOUD), self.port, 5683)
        lan = self.lan
        lan.emit(f.out(SYN))
        if self.mode == "blocked":
            for gap in (1, 2, 4):
                f.cseq -= 1
                lan.emit(f.out(SYN), gap)
            return None
        lan.emit(f.into(SYN | ACK), 0.03)
        lan.emit(f.out(ACK), 0.03)
        lan.emit(f.into(PSH | ACK, 40), 0.03)
        lan.emit(f.out(PSH | ACK, 256), 0.03)
        lan.emit(f.into(PSH | ACK, 384), 0.03)
        if self.mode == "keymismatch":
            lan.emit(f.out(FIN | ACK), 0.05)
            lan.emit(f.into(FIN | ACK), 0.03)
            lan.emit(f.out(ACK), 0.03)
            return None
        lan.emit(f.out(PSH | ACK, 18), 0.03)
        lan.emit(f.into(PSH | ACK, 18), 0.03)
        presence = bytes.fromhex("50020000b168ff") + self.h.mac * 2
        lan.udp_out(self.h, ip4(224, 0, 1, 187), 5683, 5683, presence,
                    dst_mac=bytes.fromhex("01005e0001bb"))
        return f

    def step(self):
        lan = self.lan
        if self.stage == "boot":
            lan.dhcp(self.h)
            lan.dns(self.h, "cloud.cdlab.test", CLOUD)
            self.stage = "cloud"
        if self.flow is None:
            self.flow = self.session()
            self.next = lan.t + (15 if self.flow else 30)
            return
        lan.emit(self.flow.out(PSH | ACK, 18))          # the ping and its answer
        lan.emit(self.flow.into(PSH | ACK, 18), 0.04)
        self.next = lan.t + 15


def main():
    out = sys.argv[1]
    total = int(sys.argv[2]) if len(sys.argv) > 2 else 1000000
    random.seed(5683)
    w = Writer(out)
    lan = Lan(w)
    tv = Host("02cd1ab00060", ip4(198, 18, 1, 151))
    laptop = Host("02cd1ab00050", ip4(198, 18, 1, 150))
    phone = Host("02cd1ab00070", ip4(198, 18, 1, 152))
    video = Flow(tv, ip4(198, 18, 100, 99), 50000, 443)
    webs = [Flow(laptop, ip4(198, 18, 100, 80 + i % 4), 41000 + i, 443 if i % 3 else 80)
            for i in range(12)]
    cores = [Core(lan, "080028c0de%02x" % i, ip4(198, 18, 1, 120 + i), m)
             for i, m in enumerate(("normal", "normal", "keymismatch", "blocked"))]
    cores.append(Core(lan, "70ff76000001", ip4(198, 18, 1, 130), "normal"))
    lan.dhcp(laptop)
    n = 0
    while w.n < total:
        n += 1
        r = random.random()
        gap = random.expovariate(900.0)
        if r < 0.40:                                     # video: two segments, one ACK
            lan.emit(video.into(ACK, 1448), gap)
            lan.emit(video.into(PSH | ACK, 1448), 0.0001)
            lan.emit(video.out(ACK), 0.0002)
        elif r < 0.62:
            f = webs[n % len(webs)]
            if random.random() < 0.3:
                lan.emit(f.out(PSH | ACK, random.randrange(200, 1200)), gap)
            else:
                lan.emit(f.into(PSH | ACK, random.randrange(100, 1448)), gap)
                lan.emit(f.out(ACK), 0.0003)
        elif r < 0.80:                                   # QUIC on UDP 443
            if random.random() < 0.7:
                lan.udp_in(phone, ip4(198, 18, 100, 98), 443, 51000, ZERO[:1250])
            else:
                lan.udp_out(phone, ip4(198, 18, 100, 98), 51000, 443, ZERO[:80])
            lan.t += gap
        elif r < 0.92:
            host = (laptop, phone, tv)[n % 3]
            lan.dns(host, "host%d.example.org" % (n % 5000), (198, 18, 100, n % 250))
            lan.t += gap
        elif r < 0.96:
            lan.emit(eth(laptop.mac, BCAST, 0x0806) + struct.pack(
                "!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, laptop.mac, laptop.ip, b"\0" * 6,
                ip4(198, 18, 1, n % 250)) + ZERO[:18], gap)
        else:                                            # mDNS and SSDP
            if n % 2:
                lan.udp_out(phone, ip4(224, 0, 0, 251), 5353, 5353, ZERO[:120],
                            dst_mac=bytes.fromhex("01005e0000fb"))
            else:
                lan.udp_out(tv, ip4(239, 255, 255, 250), 1900, 1900, ZERO[:300],
                            dst_mac=bytes.fromhex("01005e7ffffa"))
            lan.t += gap
        for c in cores:
            if lan.t >= c.next:
                c.step()
    w.f.close()
    print("%s: %d packets over %.0f s" % (out, w.n, lan.t - T0))


if __name__ == "__main__":
    main()
