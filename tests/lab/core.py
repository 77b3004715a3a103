#!/usr/bin/python3
"""A simulated Spark Core: what the real one puts on the wire, step by step.

Address by DHCP (dhclient with the lab's dhcp-hook) or, in `static` mode, a
fixed address from another subnet; a UDP DNS query for the cloud name; the TCP
5683 handshake (40 in, 256 out, 384 in, 18-byte hello out, hello in); the
presence multicast; keepalive pings; on a failed cloud connect the internet
test (TCP connect to the stand-in for 8.8.8.8:53); reconnect backoff 1 s
doubling up to a maximum.  Every step is one line in the event log.

Modes (comma-separated): normal, keymismatch (close after the 384 bytes
without sending the hello), static (no DHCP), baddns (query 76.83.0.0),
reboot (power-cycled once, --restart-after s into its first session),
reflash (an over-the-air reflash: the first two sessions end in a restart
--restart-after s in, as a deep update does; the third lasts).  A restart
sends nothing on the session (power is gone: no FIN), stays off
--off-time s, then starts again from DHCP.
"""

import argparse
import os
import select
import signal
import socket
import subprocess
import sys
import time

from labutil import EventLog, dns_query

PRESENCE_GROUP = ("224.0.1.187", 5683)
PRESENCE_HEAD = bytes.fromhex("50020000b168ff")
BAD_DNS = "76.83.0.0"
LAB = os.path.dirname(os.path.abspath(__file__))


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--iface", default="eth0")
    ap.add_argument("--mode", default="normal",
                    help="comma list: normal keymismatch static baddns reboot reflash")
    ap.add_argument("--cloud-host", required=True)
    ap.add_argument("--cloud-port", type=int, default=5683)
    ap.add_argument("--device-id", default="53ff6c065067544847310187", help="24 hex digits")
    ap.add_argument("--inettest", default="8.8.8.8:53", help="host:port of the internet test")
    ap.add_argument("--keepalive", type=float, default=15, help="idle seconds before a ping")
    ap.add_argument("--ping-timeout", type=float, default=10)
    ap.add_argument("--backoff-max", type=float, default=128)
    ap.add_argument("--connect-timeout", type=float, default=8)
    ap.add_argument("--read-timeout", type=float, default=10, help="wait for each handshake step")
    ap.add_argument("--dns-timeout", type=float, default=5)
    ap.add_argument("--dhcp-timeout", type=float, default=10)
    ap.add_argument("--dhcp-retry", type=float, default=30, help="pause after a failed DHCP")
    ap.add_argument("--static", default="198.19.77.5/24,198.19.77.1",
                    help="static mode: ADDR/LEN,GATEWAY (the gateway is also the DNS server)")
    ap.add_argument("--restart-after", type=float, default=3,
                    help="reboot/reflash: seconds into a session before the restart")
    ap.add_argument("--off-time", type=float, default=12,
                    help="reboot/reflash: seconds without power")
    ap.add_argument("--state", required=True, help="directory for dhclient's files")
    ap.add_argument("--log", help="event log file (default stdout)")
    args = ap.parse_args()
    args.modes = set(args.mode.split(","))
    host, port = args.inettest.rsplit(":", 1)
    args.inettest = (host, int(port))
    args.device_id = bytes.fromhex(args.device_id)
    if len(args.device_id) != 12:
        ap.error("--device-id must be 12 bytes (24 hex digits)")
    return args


def errname(e):
    return (e.strerror or type(e).__name__).replace(" ", "_")


class Core:
    def __init__(self, args):
        self.a = args
        self.log = EventLog(args.log)
        self.dhclient = None
        self.ip = self.dns = None
        self.restarts = {"reboot": 1, "reflash": 2}.get(
            next((m for m in ("reflash", "reboot") if m in args.modes), ""), 0)
        self.dead = []          # sessions a power loss left open, never closed

    # --- address -----------------------------------------------------------
    def get_address(self):
        if "static" in self.a.modes:
            return self.static_address()
        while not self.dhcp():
            time.sleep(self.a.dhcp_retry)

    def static_address(self):
        cidr, gw = self.a.static.split(",")
        run("ip", "addr", "replace", cidr, "dev", self.a.iface)
        run("ip", "route", "replace", "default", "via", gw, "dev", self.a.iface, "onlink")
        self.ip, self.dns = cidr.split("/")[0], gw
        self.log("static_addr", ip=cidr, gateway=gw, dns=gw)

    def dhcp(self):
        st = self.a.state
        lease = os.path.join(st, "lease")
        if os.path.exists(lease):
            os.unlink(lease)
        conf = os.path.join(st, "dhclient.conf")
        with open(conf, "w") as f:
            f.write("timeout %d;\nreboot 2;\nretry 1;\ninitial-interval 1;\n"
                    "request subnet-mask, broadcast-address, routers, domain-name-servers;\n"
                    % max(1, int(self.a.dhcp_timeout)))
        cmd = ["dhclient", "-4", "-d", "-1", "-sf", os.path.join(LAB, "dhcp-hook"),
               "-cf", conf, "-lf", os.path.join(st, "dhclient.leases"),
               "-pf", os.path.join(st, "dhclient.pid"), "-e", "CDLAB_LEASE=" + lease, self.a.iface]
        err = open(os.path.join(st, "dhclient.out"), "a")
        self.log("dhcp_start", iface=self.a.iface)
        self.dhclient = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=err, stderr=err)
        deadline = time.monotonic() + self.a.dhcp_timeout + 5
        while time.monotonic() < deadline and self.dhclient.poll() is None:
            if os.path.exists(lease):
                return self.dhcp_bound(lease)
            time.sleep(0.1)
        if os.path.exists(lease):
            return self.dhcp_bound(lease)
        self.stop_dhclient()
        self.log("dhcp_none", waited=self.a.dhcp_timeout)
        return False

    def dhcp_bound(self, path):
        with open(path) as f:
            kv = dict(line.strip().split("=", 1) for line in f if "=" in line)
        self.ip = kv.get("ip")
        self.dns = (kv.get("dns") or "").split(" ")[0] or None
        self.log("dhcp_lease", ip=self.ip, router=kv.get("router") or "-",
                 dns=self.dns or "-", server=kv.get("server") or "-")
        return True

    def stop_dhclient(self):
        if self.dhclient and self.dhclient.poll() is None:
            self.dhclient.terminate()
            try:
                self.dhclient.wait(3)
            except subprocess.TimeoutExpired:
                self.dhclient.kill()

    # --- cloud -------------------------------------------------------------
    def resolve(self):
        server = BAD_DNS if "baddns" in self.a.modes else self.dns
        if not server:
            self.log("dns_no_server")
            return None
        name = self.a.cloud_host
        self.log("dns_query", server=server, name=name)
        kind, val = dns_query(server, name, self.a.dns_timeout)
        if kind == "answer":
            self.log("dns_answer", name=name, addr=val)
            return val
        if kind in ("nxdomain", "timeout", "noanswer"):
            self.log("dns_" + kind, server=server, name=name)
        else:
            self.log("dns_failed", server=server, name=name, reason=val)
        return None

    def connect(self, addr, port, what):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(self.a.connect_timeout)
        try:
            s.connect((addr, port))
            self.log(what + "_connected", addr="%s:%d" % (addr, port))
            return s
        except socket.timeout:
            self.log(what + "_connect_timeout", addr="%s:%d" % (addr, port),
                     waited=self.a.connect_timeout)
        except ConnectionRefusedError:
            self.log(what + "_connect_refused", addr="%s:%d" % (addr, port))
        except OSError as e:
            self.log(what + "_connect_error", addr="%s:%d" % (addr, port), err=errname(e))
        s.close()
        return None

    def internet_test(self):
        s = self.connect(*self.a.inettest, what="inettest")
        host = "%s:%d" % self.a.inettest
        if s:
            s.close()
            self.log("inettest_ok", addr=host)
        else:
            self.log("inettest_failed", addr=host)

    def recv_exact(self, s, n, stage, timeout):
        """n bytes, or None after logging why not."""
        buf = b""
        s.settimeout(timeout)
        try:
            while len(buf) < n:
                chunk = s.recv(n - len(buf))
                if not chunk:
                    self.log("closed_by_peer", stage=stage, got=len(buf))
                    return None
                buf += chunk
        except socket.timeout:
            self.log(stage + "_timeout", got=len(buf), waited=timeout)
            return None
        except OSError as e:
            self.log("connection_error", stage=stage, err=errname(e))
            return None
        return buf

    def handshake(self, s):
        t = self.a.read_timeout
        if self.recv_exact(s, 40, "nonce", t) is None:
            return False
        self.log("nonce_received", bytes=40)
        s.sendall(os.urandom(256))
        self.log("sent_256")
        if self.recv_exact(s, 384, "key", t) is None:
            return False
        self.log("received_384")
        if "keymismatch" in self.a.modes:
            self.log("keymismatch_close")
            return False
        s.sendall(b"\x00\x10" + os.urandom(16))
        self.log("hello_sent", bytes=18)
        if self.recv_exact(s, 18, "hello", t) is None:
            return False
        self.log("hello_received", bytes=18)
        return True

    def presence(self):
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
        u.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(self.ip))
        u.sendto(PRESENCE_HEAD + self.a.device_id, PRESENCE_GROUP)
        u.close()
        self.log("presence_sent", group="%s:%d" % PRESENCE_GROUP, device_id=self.a.device_id.hex())

    def session(self, s):
        """Keepalive loop; returns when the session ends."""
        last_rx = start = time.monotonic()
        while True:
            wait = idle = self.a.keepalive - (time.monotonic() - last_rx)
            if self.restarts:
                wait = min(idle, start + self.a.restart_after - time.monotonic())
                if wait <= 0:
                    raise PowerLoss()
            if idle > 0 and select.select([s], [], [], wait)[0]:
                if self.recv_exact(s, 18, "session", self.a.read_timeout) is None:
                    return
                self.log("message_received", bytes=18)
                last_rx = time.monotonic()
                continue
            if idle > 0:
                continue
            s.sendall(b"\x00\x10" + os.urandom(16))
            self.log("ping_sent", bytes=18)
            if select.select([s], [], [], self.a.ping_timeout)[0]:
                if self.recv_exact(s, 18, "ping", self.a.read_timeout) is None:
                    return
                self.log("ping_answered", bytes=18)
                last_rx = time.monotonic()
            else:
                self.log("ping_unanswered", waited=self.a.ping_timeout)
                return

    def attempt(self):
        """One cloud connection; True when the handshake completed."""
        addr = self.resolve()
        s = self.connect(addr, self.a.cloud_port, "cloud") if addr else None
        if not s:
            self.internet_test()
            return False
        try:
            if not self.handshake(s):
                return False
            self.presence()
            self.session(s)
            return True
        except PowerLoss:
            self.dead.append(s)
            s = None
            self.power_cycle()
            return True
        except OSError as e:
            self.log("connection_error", err=errname(e))
            return False
        finally:
            if s is not None:
                s.close()
                self.log("session_closed")

    def power_cycle(self):
        """Power gone mid-session: nothing more on the wire, not even a FIN
        (the socket stays open, unused); then a boot from DHCP."""
        self.restarts -= 1
        self.stop_dhclient()
        run("ip", "-4", "addr", "flush", "dev", self.a.iface)
        self.log("power_off", seconds=self.a.off_time)
        time.sleep(self.a.off_time)
        self.log("power_on")
        self.get_address()

    def run(self):
        self.log("start", mode=",".join(sorted(self.a.modes)), iface=self.a.iface,
                 mac=open("/sys/class/net/%s/address" % self.a.iface).read().strip(),
                 device_id=self.a.device_id.hex())
        self.get_address()
        backoff = 1
        while True:
            if self.attempt():
                backoff = 1
            self.log("backoff", seconds=backoff)
            time.sleep(backoff)
            backoff = min(backoff * 2, self.a.backoff_max)


class PowerLoss(Exception):
    """The simulated Core loses power in a session (reboot, reflash)."""


def run(*cmd):
    subprocess.run(cmd, check=True)


def main():
    core = Core(parse_args())

    def stop(signum, frame):
        core.stop_dhclient()
        core.log("stop", signal=signum)
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    core.run()


if __name__ == "__main__":
    main()
