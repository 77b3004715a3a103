#!/usr/bin/python3
"""Background traffic of an ordinary LAN host, and a listener for the Cores' presence.

Every --interval seconds: resolve a name through the system resolver
(/etc/netns/NS/resolv.conf) and fetch a URL over plain HTTP.  A second thread
joins 224.0.1.187 and logs each presence packet it hears, like the Spark CLI.
"""

import argparse
import http.client
import socket
import struct
import threading
import time
import urllib.parse

from labutil import EventLog


def listen_presence(iface_ip, log):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("224.0.1.187", 5683))
    mreq = struct.pack("4s4s", socket.inet_aton("224.0.1.187"), socket.inet_aton(iface_ip))
    s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq)
    while True:
        data, peer = s.recvfrom(2048)
        if len(data) == 19 and data[:7] == bytes.fromhex("50020000b168ff"):
            log("presence_heard", peer=peer[0], device_id=data[7:].hex())
        else:
            log("multicast_heard", peer=peer[0], bytes=len(data))


def fetch(url, log):
    u = urllib.parse.urlsplit(url)
    try:
        conn = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=3)
        conn.request("GET", u.path or "/")
        r = conn.getresponse()
        body = r.read()
        log("http", url=url, status=r.status, bytes=len(body))
        conn.close()
    except OSError as e:
        log("http_failed", url=url, err=(e.strerror or type(e).__name__).replace(" ", "_"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ip", required=True, help="this host's LAN address (multicast interface)")
    ap.add_argument("--name", required=True, help="name to resolve")
    ap.add_argument("--url", required=True, help="URL to fetch")
    ap.add_argument("--interval", type=float, default=3)
    ap.add_argument("--log")
    args = ap.parse_args()
    log = EventLog(args.log)
    threading.Thread(target=listen_presence, args=(args.ip, log), daemon=True).start()
    while True:
        try:
            addr = socket.gethostbyname(args.name)
            log("resolved", name=args.name, addr=addr)
        except OSError as e:
            log("resolve_failed", name=args.name, err=str(e).replace(" ", "_"))
        fetch(args.url, log)
        time.sleep(args.interval)


if __name__ == "__main__":
    main()
