# shellcheck shell=bash
# The lab's topology (namespaces, links, addresses, firewalls), its servers, and
# the bookkeeping that lets lab_down remove every trace.  Sourced by run,
# check-faults, fault and down; see README.md for the address plan.

export LC_ALL=C PYTHONDONTWRITEBYTECODE=1 # no __pycache__ in the source tree
LAB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PY=${CDLAB_PYTHON:-/usr/bin/python3}
P=${CDLAB_PREFIX:-cdlab-}
case $P in
[a-z]*-) ;; # it selects what lab_down deletes: keep it specific
*) echo "CDLAB_PREFIX must be a lower-case word ending in '-', like cdlab-" >&2; exit 2 ;;
esac
case ${P%-} in *[!a-z0-9-]*) echo "CDLAB_PREFIX: letters, digits and '-' only" >&2; exit 2 ;; esac
STATE=${CDLAB_STATE:-/run/${P%-}}
LOGS=$STATE/log

NS_INET=${P}inet NS_ROUTER=${P}router NS_CORE=${P}core NS_LAPTOP=${P}laptop NS_ROGUE=${P}rogue
NS_PI=${P}pi # a LAN host beside the Core, where the second corediagd runs
LAB_NAMESPACES="$NS_INET $NS_ROUTER $NS_CORE $NS_LAPTOP $NS_ROGUE $NS_PI"

# Address plan: everything inside 198.18.0.0/15.
WAN_INET=198.18.0.1 WAN_ROUTER=198.18.0.2        # 198.18.0.0/24, router wan <-> internet up0
LAN_ROUTER=198.18.1.1                            # br-lan, 198.18.1.0/24
LAN_ROGUE=198.18.1.2 LAN_LAPTOP=198.18.1.50 LAN_PI=198.18.1.31
DHCP_POOL=198.18.1.100,198.18.1.199 ROGUE_POOL=198.18.1.200,198.18.1.249
CLOUD_IP=198.18.100.10 COAP_IP=198.18.100.11 DNS_IP=198.18.100.53   # on the internet's lo
CHECK_IP=198.18.100.80 PORTAL_REDIRECT_IP=198.18.100.81 PORTAL_PAGE_IP=198.18.100.82
INETTEST_IP=198.18.100.88 INETTEST_PORT=53                          # stand-in for 8.8.8.8:53
CORE_STATIC=198.19.77.5/24,198.19.77.1                              # core_static: no route anywhere
# IPv6 only inside 2001:db8::/32: the WAN link, and the cloud for cloud_ipv6_only.
WAN6_INET=2001:db8::1 WAN6_ROUTER=2001:db8::2                       # 2001:db8::/64
CLOUD_IP6=2001:db8:100::10                                          # on the internet's lo
HIJACK_IP=192.168.1.1 BADDNS_IP=76.83.0.0                           # dropped inside the lab
DOMAIN=cdlab.test
CLOUD_NAME=cloud.$DOMAIN COAP_NAME=coap.$DOMAIN CHECK_NAME=check.$DOMAIN PORTAL_NAME=portal.$DOMAIN
CHECK_URL=http://$CHECK_NAME/generate_204
CORE_MAC=08:00:28:c0:de:01 CORE_ID=53ff6c065067544847310187
LAPTOP_MAC=02:cd:1a:b0:00:50 ROGUE_MAC=02:cd:1a:b0:00:02 PI_MAC=02:cd:1a:b0:00:31
# Short Core timings so a failure shows within seconds (the real ones are 15/10/128/8),
# but the real keepalive: corediagd counts an 18-byte message as a ping only
# after the Core's 15 s idle period.
CORE_TIMING=${CDLAB_CORE_TIMING:-"--keepalive 15 --ping-timeout 2 --backoff-max 4 --connect-timeout 3
 --read-timeout 3 --dns-timeout 2 --dhcp-timeout 6 --dhcp-retry 3 --off-time 4"}

die() { echo "${0##*/}: $*" >&2; exit 1; }

require_root() {
	if [ "$(id -u)" -ne 0 ]; then
		echo "${0##*/}: needs root (network namespaces, nftables); skipped" >&2
		exit 77
	fi
}

now_ms() { local t=${EPOCHREALTIME/./}; echo $((t / 1000)); }

# wait_until SECONDS COMMAND...: poll COMMAND every 0.1 s; 1 when time runs out.
wait_until() {
	local end=$(($(now_ms) + $1 * 1000))
	shift
	until "$@"; do
		[ "$(now_ms)" -lt "$end" ] || return 1
		sleep 0.1
	done
}

# --- processes: every one runs inside a lab namespace, with a pid file ---------
# spawn NS NAME COMMAND...: start COMMAND in NS, output to $LOGS/NAME.out.
spawn() {
	local ns=$1 name=$2
	shift 2
	ip netns exec "$ns" "$@" >>"$LOGS/$name.out" 2>&1 </dev/null &
	echo $! >"$STATE/pid/$name"
	disown $! # lab_down and stop reap by pid; no job notices
}

pid_alive() {
	local s
	s=$(ps -o stat= -p "$1" 2>/dev/null) && [ "${s#Z}" = "$s" ]
}

all_gone() {
	local p
	for p; do pid_alive "$p" && return 1; done
	return 0
}

running() { [ -s "$STATE/pid/$1" ] && pid_alive "$(cat "$STATE/pid/$1")"; }

# stop NAME: SIGTERM, up to 3 s' grace, then SIGKILL.
stop() {
	local f=$STATE/pid/$1 pid
	[ -s "$f" ] || return 0
	pid=$(cat "$f")
	rm -f "$f"
	kill "$pid" 2>/dev/null || return 0
	wait_until 3 all_gone "$pid" || kill -9 "$pid" 2>/dev/null || true
}

# listening NS tcp|udp ADDR:PORT
listening() {
	ip netns exec "$1" ss -Hln"${2:0:1}" | awk '{print $4}' | grep -qxF "$3"
}

wait_listen() {
	wait_until 5 listening "$@" && return 0
	tail -n 3 "$LOGS"/*.out >&2 # the state dir goes with the lab
	die "nothing listens on $3/$2 in $1"
}

nsx() { ip netns exec "$@"; }

# interruptible COMMAND...: run COMMAND as a job and wait for it, so that a
# signal's trap runs at once instead of after COMMAND (bash defers traps
# until a foreground command ends).
interruptible() {
	local rc=0
	"$@" &
	BG_PID=$!
	wait "$BG_PID" || rc=$?
	BG_PID=
	return "$rc"
}

# lab_traps CLEANUP: run CLEANUP on exit; SIGINT and SIGTERM exit at once.
lab_traps() {
	# shellcheck disable=SC2064 # CLEANUP is a command name, expanded now on purpose
	trap "$1" EXIT
	trap 'lab_signal 130' INT
	trap 'lab_signal 143' TERM
}

lab_signal() {
	[ -z "${BG_PID:-}" ] || kill "$BG_PID" 2>/dev/null || true
	exit "$1"
}

# --- topology -----------------------------------------------------------------
# lab_namespaces: those of this lab that exist (exact names: another lab's
# prefix may start with ours).
lab_namespaces() {
	ip netns list | awk -v want=" $LAB_NAMESPACES " 'index(want, " " $1 " ") { print $1 }'
}

# lan_port NS PORT MAC: a host's eth0 plugged into br-lan as PORT.
lan_port() {
	ip -n "$1" link add eth0 address "$3" type veth peer name "$2" netns "$NS_ROUTER"
	ip -n "$NS_ROUTER" link set "$2" master br-lan up
	ip -n "$1" link set eth0 up
}

make_links() {
	local ip
	ip -n "$NS_ROUTER" link add wan type veth peer name up0 netns "$NS_INET"
	ip -n "$NS_INET" addr add "$WAN_INET/24" dev up0
	ip -n "$NS_INET" link set up0 up
	for ip in $CLOUD_IP $COAP_IP $DNS_IP $CHECK_IP $PORTAL_REDIRECT_IP $PORTAL_PAGE_IP $INETTEST_IP; do
		ip -n "$NS_INET" addr add "$ip/32" dev lo
	done
	ip -n "$NS_ROUTER" addr add "$WAN_ROUTER/24" dev wan
	ip -n "$NS_ROUTER" link set wan up
	ip -n "$NS_ROUTER" route add default via "$WAN_INET"
	ip -n "$NS_INET" addr add "$WAN6_INET/64" dev up0 nodad
	ip -n "$NS_INET" addr add "$CLOUD_IP6/128" dev lo
	ip -n "$NS_ROUTER" addr add "$WAN6_ROUTER/64" dev wan nodad
	ip -n "$NS_ROUTER" -6 route add default via "$WAN6_INET"
	ip -n "$NS_ROUTER" link add br-lan type bridge forward_delay 0 mcast_snooping 0
	ip -n "$NS_ROUTER" addr add "$LAN_ROUTER/24" dev br-lan
	ip -n "$NS_ROUTER" link set br-lan up
	lan_port "$NS_CORE" lan-core "$CORE_MAC"
	lan_port "$NS_LAPTOP" lan-laptop "$LAPTOP_MAC"
	lan_port "$NS_ROGUE" lan-rogue "$ROGUE_MAC"
	lan_port "$NS_PI" lan-pi "$PI_MAC"
	ip -n "$NS_PI" addr add "$LAN_PI/24" dev eth0
	ip -n "$NS_PI" route add default via "$LAN_ROUTER"
	ip -n "$NS_LAPTOP" addr add "$LAN_LAPTOP/24" dev eth0
	ip -n "$NS_LAPTOP" route add default via "$LAN_ROUTER"
	ip -n "$NS_ROGUE" addr add "$LAN_ROGUE/24" dev eth0
}

# The router: NAT and an OpenWrt-like forward chain.  Faults add rules to
# `faults`; traffic to the hijack target, 76.83.0.0 or anything outside the
# lab's range is dropped here (counted), never routed on.
router_firewall() {
	nsx "$NS_ROUTER" nft -f - <<-EOF
		table ip lab {
			counter lan_baddns { }
			counter hijack { }
			counter offlab { }
			counter flood { }
			chain input {
				type filter hook input priority 0; policy accept;
				iifname "br-lan" ip daddr $LAN_ROUTER udp dport 5683 counter name flood drop
			}
			chain forward {
				type filter hook forward priority 0; policy drop;
				ip daddr $BADDNS_IP counter name lan_baddns
				ip daddr $HIJACK_IP counter name hijack drop
				ip daddr != 198.18.0.0/15 counter name offlab drop
				jump faults
				iifname "br-lan" oifname "wan" accept
				iifname "wan" oifname "br-lan" ct state established,related accept
			}
			chain faults { }
			chain postrouting {
				type nat hook postrouting priority 100; policy accept;
				oifname "wan" masquerade
			}
		}
	EOF
}

# The internet: fault rules where the router's own probes meet the upstream,
# the captive portal's DNAT, and a guard that drops whatever is not for the lab.
inet_firewall() {
	nsx "$NS_INET" nft -f - <<-EOF
		table ip lab {
			counter hijack { }
			counter baddns { }
			counter offlab { }
			chain guard {
				type filter hook prerouting priority -300; policy accept;
				iifname "lo" accept
				ip daddr $HIJACK_IP counter name hijack drop
				ip daddr $BADDNS_IP counter name baddns drop
				ip daddr != { 198.18.0.0/15, 224.0.0.0/4, 255.255.255.255 } counter name offlab drop
			}
			chain faults {
				type filter hook input priority 0; policy accept;
			}
			chain portal {
				type nat hook prerouting priority -100; policy accept;
			}
			chain output {
				type filter hook output priority 0; policy accept;
				ip daddr != { 198.18.0.0/15, 127.0.0.0/8, 224.0.0.0/4 } counter name offlab drop
			}
		}
	EOF
}

resolv() { mkdir -p "/etc/netns/$1" && echo "nameserver $2" >"/etc/netns/$1/resolv.conf"; }

lab_up() {
	local ns
	mkdir -p "$STATE/pid" "$STATE/faults" "$STATE/core" "$LOGS"
	for ns in $LAB_NAMESPACES; do
		ip netns add "$ns"
		ip -n "$ns" link set lo up
	done
	nsx "$NS_ROUTER" sysctl -qw net.ipv4.ip_forward=1
	# Bridged LAN traffic stays out of the ip hooks, as on OpenWrt (where br_netfilter is loaded).
	if [ -e /proc/sys/net/bridge/bridge-nf-call-iptables ]; then
		nsx "$NS_ROUTER" sysctl -qw net.bridge.bridge-nf-call-iptables=0 net.bridge.bridge-nf-call-arptables=0
	fi
	nsx "$NS_INET" sysctl -qw net.ipv4.icmp_ratelimit=0
	# wan_down sets up0 down: keep its IPv6 address for when it comes back.
	nsx "$NS_INET" sysctl -qw net.ipv6.conf.all.keep_addr_on_down=1 net.ipv6.conf.default.keep_addr_on_down=1
	nsx "$NS_CORE" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	make_links
	router_firewall
	inet_firewall
	resolv "$NS_INET" "$DNS_IP"
	resolv "$NS_ROUTER" 127.0.0.1
	resolv "$NS_LAPTOP" "$LAN_ROUTER"
	resolv "$NS_CORE" "$LAN_ROUTER"
	resolv "$NS_ROGUE" "$LAN_ROUTER"
	resolv "$NS_PI" "$LAN_ROUTER"
	start_internet
	start_router
	spawn "$NS_LAPTOP" laptop "$PY" "$LAB/laptop.py" --ip "$LAN_LAPTOP" --name "$CHECK_NAME" \
		--url "$CHECK_URL" --log "$LOGS/laptop.log"
	core_start
}

lab_down() {
	local ns pids=
	for ns in $(lab_namespaces); do
		pids="$pids $(ip netns pids "$ns")"
	done
	if [ -n "${pids// /}" ]; then
		# shellcheck disable=SC2086
		kill $pids 2>/dev/null || true
		# shellcheck disable=SC2086
		wait_until 3 all_gone $pids || kill -9 $pids 2>/dev/null || true
	fi
	for ns in $(lab_namespaces); do
		ip netns del "$ns"
	done
	for ns in $LAB_NAMESPACES; do
		rm -rf "/etc/netns/$ns"
	done
	rmdir /etc/netns 2>/dev/null || true
	case $STATE in
	/?*/*[!/]) rm -rf "$STATE" ;;
	esac
}

# --- servers ------------------------------------------------------------------
dnsmasq_cmd() { echo dnsmasq -k -C /dev/null -u root --pid-file="$STATE/pid/$1.dnsmasq"; }

# dns_hosts: the internet's zone; nxdomain and hijack faults change the cloud name.
dns_hosts() {
	{
		if [ -e "$STATE/faults/nxdomain" ]; then
			:
		elif [ -e "$STATE/faults/hijack" ]; then
			echo "$HIJACK_IP $CLOUD_NAME"
		elif [ -e "$STATE/faults/cloud_ipv6_only" ]; then
			echo "$CLOUD_IP6 $CLOUD_NAME"
		else
			echo "$CLOUD_IP $CLOUD_NAME"
		fi
		echo "$COAP_IP $COAP_NAME"
		echo "$CHECK_IP $CHECK_NAME"
		echo "$PORTAL_REDIRECT_IP $PORTAL_NAME"
	} >"$STATE/inet.hosts"
}

start_internet() {
	dns_hosts
	# shellcheck disable=SC2046
	spawn "$NS_INET" inet-dns $(dnsmasq_cmd inet-dns) --port=53 --bind-interfaces \
		--listen-address="$DNS_IP" --listen-address="$INETTEST_IP" --no-resolv --no-hosts \
		--addn-hosts="$STATE/inet.hosts" --local="/$DOMAIN/" --log-queries \
		--log-facility="$LOGS/inet-dns.log"
	cloud_start normal
	spawn "$NS_INET" coap coap-server-notls -A "$COAP_IP" -p 5683
	spawn "$NS_INET" check "$PY" "$LAB/portal.py" --bind "$CHECK_IP" --mode normal \
		--log "$LOGS/check.log"
	spawn "$NS_INET" portal-redirect "$PY" "$LAB/portal.py" --bind "$PORTAL_REDIRECT_IP" \
		--mode redirect --login-url "http://$PORTAL_NAME/login" --log "$LOGS/portal.log"
	spawn "$NS_INET" portal-page "$PY" "$LAB/portal.py" --bind "$PORTAL_PAGE_IP" --mode page \
		--log "$LOGS/portal.log"
	wait_listen "$NS_INET" udp "$DNS_IP:53"
	wait_listen "$NS_INET" tcp "$INETTEST_IP:$INETTEST_PORT"
	wait_listen "$NS_INET" udp "$COAP_IP:5683"
	wait_listen "$NS_INET" tcp "$CHECK_IP:80"
	wait_listen "$NS_INET" tcp "$PORTAL_REDIRECT_IP:80"
	wait_listen "$NS_INET" tcp "$PORTAL_PAGE_IP:80"
}

cloud_start() {
	stop cloud
	spawn "$NS_INET" cloud "$PY" "$LAB/cloud.py" --bind "$CLOUD_IP" --mode "$1" --log "$LOGS/cloud.log"
	wait_listen "$NS_INET" tcp "$CLOUD_IP:5683"
}

start_router() {
	router_dns_start
	dhcp_start
}

# router_dns_start: the router's DNS forwarder; offline (router_offline), it
# answers every name with the router's own LAN address, as many routers do.
router_dns_start() {
	local offline=
	[ -e "$STATE/faults/router_offline" ] && offline="--address=/#/$LAN_ROUTER --address=/#/::"
	# shellcheck disable=SC2046,SC2086
	spawn "$NS_ROUTER" router-dns $(dnsmasq_cmd router-dns) --port=53 --bind-interfaces \
		--interface=br-lan --interface=lo --no-resolv --server="$DNS_IP" --cache-size=0 \
		--no-hosts --log-queries --log-facility="$LOGS/router-dns.log" $offline
	wait_listen "$NS_ROUTER" udp "$LAN_ROUTER:53"
}

dhcp_start() {
	# shellcheck disable=SC2046
	spawn "$NS_ROUTER" router-dhcp $(dnsmasq_cmd router-dhcp) --port=0 --interface=br-lan \
		--dhcp-range="$DHCP_POOL,255.255.255.0,1h" --dhcp-authoritative \
		--dhcp-option=option:router,"$LAN_ROUTER" --dhcp-option=option:dns-server,"$LAN_ROUTER" \
		--dhcp-leasefile="$STATE/router.leases" --log-dhcp --log-facility="$LOGS/router-dhcp.log"
	wait_listen "$NS_ROUTER" udp 0.0.0.0:67
}

rogue_start() {
	# shellcheck disable=SC2046
	spawn "$NS_ROGUE" rogue-dhcp $(dnsmasq_cmd rogue-dhcp) --port=0 --interface=eth0 \
		--dhcp-range="$ROGUE_POOL,255.255.255.0,10m" \
		--dhcp-option=option:router,"$LAN_ROGUE" --dhcp-option=option:dns-server,"$LAN_ROGUE" \
		--dhcp-leasefile="$STATE/rogue.leases" --log-dhcp --log-facility="$LOGS/rogue-dhcp.log"
	wait_listen "$NS_ROGUE" udp 0.0.0.0:67
}

# core_start: the simulated Core, in the modes its faults ask for.
core_start() {
	local modes=normal f
	for f in keymismatch static baddns reboot reflash; do
		[ -e "$STATE/faults/core_$f" ] && modes=$modes,$f
	done
	ip -n "$NS_CORE" -4 addr flush dev eth0
	ip -n "$NS_CORE" -4 route flush dev eth0
	: >"$LOGS/core.log"
	# shellcheck disable=SC2086
	spawn "$NS_CORE" core "$PY" "$LAB/core.py" --iface eth0 --mode "$modes" \
		--cloud-host "$CLOUD_NAME" --inettest "$INETTEST_IP:$INETTEST_PORT" \
		--device-id "$CORE_ID" --static "$CORE_STATIC" --state "$STATE/core" \
		--log "$LOGS/core.log" $CORE_TIMING
}

core_restart() {
	stop core
	if [ -s "$STATE/core/dhclient.pid" ]; then
		kill "$(cat "$STATE/core/dhclient.pid")" 2>/dev/null || true
		rm -f "$STATE/core/dhclient.pid"
	fi
	core_start
}
