#!/usr/bin/python3
"""The lab's connectivity-check server, and the captive portals that hijack it.

Modes:
  normal    GET /generate_204 -> 204, empty body (anything else: 404)
  redirect  any path -> 302 to http://HOST/login; /login -> 200 login page
  page      any path -> 200 with an HTML login page (the portal answers in place)
"""

import argparse
import http.server

from labutil import EventLog

PAGE = (b"<!DOCTYPE html>\n<html><head><title>Lab Hotspot</title></head>\n"
        b"<body><h1>Welcome</h1><form method=\"post\" action=\"/login\">"
        b"<input name=\"room\"><button>Accept terms</button></form></body></html>\n")


class Handler(http.server.BaseHTTPRequestHandler):
    mode = "normal"
    login_url = ""
    log = None

    def do_GET(self):
        if self.mode == "normal":
            if self.path.split("?")[0] == "/generate_204":
                self.answer(204)
            else:
                self.answer(404)
        elif self.mode == "redirect" and not self.path.startswith("/login"):
            self.answer(302, location=self.login_url)
        else:
            self.answer(200, PAGE)

    do_HEAD = do_GET

    def answer(self, code, body=b"", location=None):
        self.send_response(code)
        if location:
            self.send_header("Location", location)
        if body:
            self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body and self.command != "HEAD":
            self.wfile.write(body)
        self.log("request", peer=self.client_address[0], host=self.headers.get("Host", "-"),
                 path=self.path, status=code, mode=self.mode)

    def log_message(self, fmt, *args):
        pass  # every request is logged once, by answer()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bind", required=True)
    ap.add_argument("--port", type=int, default=80)
    ap.add_argument("--mode", choices=("normal", "redirect", "page"), default="normal")
    ap.add_argument("--login-url", default="", help="Location of the redirect (redirect mode)")
    ap.add_argument("--log", help="event log file (default stdout)")
    args = ap.parse_args()
    Handler.mode = args.mode
    Handler.login_url = args.login_url or "http://%s/login" % args.bind
    Handler.log = EventLog(args.log)
    srv = http.server.ThreadingHTTPServer((args.bind, args.port), Handler)
    Handler.log("listening", addr="%s:%d" % (args.bind, args.port), mode=args.mode)
    srv.serve_forever()


if __name__ == "__main__":
    main()
