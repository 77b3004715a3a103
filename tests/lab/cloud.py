#!/usr/bin/python3
"""The lab's Spark device cloud: the TCP 5683 handshake with the right byte counts.

Per connection: send a 40-byte nonce, read the Core's 256 bytes, send 384,
read the 18-byte hello (00 10 + 16), answer with an 18-byte hello, then answer
every 18-byte message (the Core's pings) with 18 bytes.  No cryptography: the
payloads are random, only their sizes and order are real.

Modes: normal; silent (accept, never send the nonce); reject (close after the
Core's 256 bytes); noping (complete the handshake, then never answer a ping).
"""

import argparse
import os
import socket
import threading

from labutil import EventLog

MODES = ("normal", "silent", "reject", "noping")


def recv_exact(conn, n):
    """Read n bytes; return fewer only when the peer closed."""
    buf = b""
    while len(buf) < n:
        chunk = conn.recv(n - len(buf))
        if not chunk:
            break
        buf += chunk
    return buf


def serve(conn, peer, mode, log):
    peer = "%s:%d" % peer[:2]
    log("accept", peer=peer, mode=mode)
    if mode == "silent":
        got = conn.recv(4096)  # wait for the Core to give up
        log("peer_closed", peer=peer, stage="silent", got=len(got))
        return
    conn.sendall(os.urandom(40))
    log("nonce_sent", peer=peer, bytes=40)
    data = recv_exact(conn, 256)
    if len(data) < 256:
        log("peer_closed", peer=peer, stage="after_nonce", got=len(data))
        return
    log("received_256", peer=peer)
    if mode == "reject":
        log("reject_close", peer=peer)
        return
    conn.sendall(os.urandom(384))
    log("sent_384", peer=peer)
    hello = recv_exact(conn, 18)
    if len(hello) < 18:
        log("peer_closed", peer=peer, stage="after_384", got=len(hello))
        return
    log("hello_received", peer=peer, length=hello[:2].hex())
    conn.sendall(b"\x00\x10" + os.urandom(16))
    log("hello_sent", peer=peer)
    while True:
        msg = recv_exact(conn, 18)
        if len(msg) < 18:
            log("peer_closed", peer=peer, stage="session", got=len(msg))
            return
        if mode == "noping":
            log("ping_ignored", peer=peer)
            continue
        conn.sendall(b"\x00\x10" + os.urandom(16))
        log("ping_answered", peer=peer)


def handle(conn, peer, mode, log):
    with conn:
        try:
            serve(conn, peer, mode, log)
        except OSError as e:
            log("connection_error", peer="%s:%d" % peer, err=e.strerror.replace(" ", "_"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bind", required=True, help="address to listen on")
    ap.add_argument("--port", type=int, default=5683)
    ap.add_argument("--mode", choices=MODES, default="normal")
    ap.add_argument("--log", help="event log file (default stdout)")
    args = ap.parse_args()
    log = EventLog(args.log)
    family = socket.AF_INET6 if ":" in args.bind else socket.AF_INET
    srv = socket.socket(family, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((args.bind, args.port))
    srv.listen(16)
    log("listening", addr="%s:%d" % (args.bind, args.port), mode=args.mode)
    while True:
        conn, peer = srv.accept()
        threading.Thread(target=handle, args=(conn, peer, args.mode, log), daemon=True).start()


if __name__ == "__main__":
    main()
