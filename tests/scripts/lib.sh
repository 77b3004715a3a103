# Helpers for the script tests; sourced.  Each test prints "ok - ..." or
# "not ok - ..." per check and exits 1 if any failed (77 = skipped).
set -u
: "${top_builddir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_srcdir:=$top_builddir}"
COREDIAGD=${COREDIAGD:-$top_builddir/src/corediagd}
CTL=${COREDIAGD_CTL:-$top_builddir/src/corediagd-ctl}
PY=/usr/bin/python3
failures=0
checks=0
T=$(mktemp -d /tmp/cdtest.XXXXXX)
trap 'cleanup_all' EXIT

cleanup_all() {
	for pidf in "$T"/*.pid; do
		[ -f "$pidf" ] && kill -9 "$(cat "$pidf")" 2>/dev/null
	done
	rm -rf "$T"
	echo "# $checks checks, $failures failed"
	[ "$failures" -eq 0 ] || exit 1
}

ok() { checks=$((checks + 1)); echo "ok - $*"; }
not_ok() { checks=$((checks + 1)); failures=$((failures + 1)); echo "not ok - $*"; }
check() {	# check DESCRIPTION COMMAND...
	d=$1; shift
	if "$@"; then ok "$d"; else not_ok "$d"; fi
}

# wait_for TENTHS COMMAND...: poll until COMMAND succeeds (bounded).
wait_for() {
	n=$1; shift
	while [ "$n" -gt 0 ]; do
		"$@" 2>/dev/null && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}

# A configuration that probes and sniffs nothing, socket under $T.
quiet_config() {	# quiet_config FILE SOCKET
	cat > "$1" <<EOC
cloud:
  host: cloud.lab.test
probes:
  coap: false
  handshake: false
  dns: false
  dhcp: false
  portal: false
  wifi: false
portal:
  url: http://198.18.0.1/generate_204
sniff:
  enabled: false
status:
  socket: $2
  group: ""
user: ""
state_dir: $(dirname "$2")
EOC
}

# start_daemon CONFIG NAME: corediagd -f in the background, pid in $T/NAME.pid
start_daemon() {
	"$COREDIAGD" -f -c "$1" > "$T/$2.out" 2>&1 &
	echo $! > "$T/$2.pid"
}
