# shellcheck shell=bash
# Every fault the lab can switch, and how.  Sourced after lib.sh.  A fault that
# is on has a file $STATE/faults/NAME; core_* faults take effect when the Core
# (re)starts (core_restart), all others at once.

FAULTS="fwd_5683_drop fwd_5683_reject up_5683_drop up_5683_reject \
udp_5683_prohibited udp_5683_drop portal_redirect portal_page dhcp_off rogue_dhcp \
nxdomain hijack wan_down inettest_blocked cloud_silent cloud_reject cloud_noping \
core_keymismatch core_static core_baddns lan_flood core_reboot core_reflash \
router_offline cloud_ipv6_only"

is_fault() {
	case " $FAULTS " in *" $1 "*) return 0 ;; esac
	return 1
}

fault_is_on() { [ -e "$STATE/faults/$1" ]; }

# nft_rule NS CHAIN FAULT on|off RULE: add the rule tagged with the fault's
# name, or delete every rule so tagged.
nft_rule() {
	local ns=$1 chain=$2 name=$3 h
	if [ "$4" = on ]; then
		nsx "$ns" nft add rule ip lab "$chain" "$5" comment "\"$name\""
		return
	fi
	for h in $(nsx "$ns" nft -a list chain ip lab "$chain" |
		sed -n "s/.* comment \"$name\" # handle \([0-9]*\)\$/\1/p"); do
		nsx "$ns" nft delete rule ip lab "$chain" handle "$h"
	done
}

# rule_hits NS CHAIN FAULT: packets counted by that fault's rule.
rule_hits() {
	nsx "$1" nft list chain ip lab "$2" |
		sed -n "s/.* counter packets \([0-9]*\) .*comment \"$3\"\$/\1/p" | head -n 1
}

counter_hits() {
	nsx "$1" nft list counter ip lab "$2" | sed -n 's/.*packets \([0-9]*\).*/\1/p'
}

cloud_mode() {
	local m
	for m in silent reject noping; do
		fault_is_on "cloud_$m" && { echo "$m"; return; }
	done
	echo normal
}

# dns_reload: rewrite the internet's zone, have dnsmasq re-read it, and wait
# until it answers the new way.
dns_reload() {
	local want="answer:$CLOUD_IP"
	dns_hosts
	fault_is_on hijack && want="answer:$HIJACK_IP"
	fault_is_on nxdomain && want=nxdomain
	fault_is_on cloud_ipv6_only && want=noanswer
	kill -HUP "$(cat "$STATE/pid/inet-dns")"
	wait_until 5 inet_dns_says "$want" || die "internet DNS does not answer $want for $CLOUD_NAME"
}

inet_dns_says() {
	[ "$(nsx "$NS_INET" "$PY" "$LAB/probe.py" --timeout 1 dns "$DNS_IP" "$CLOUD_NAME")" = "$1" ]
}

fault_apply() {
	local name=$1 onoff=$2 up=up
	case $name in
	fwd_5683_drop) nft_rule "$NS_ROUTER" faults "$name" "$onoff" 'oifname "wan" tcp dport 5683 counter drop' ;;
	fwd_5683_reject) nft_rule "$NS_ROUTER" faults "$name" "$onoff" 'oifname "wan" tcp dport 5683 counter reject with tcp reset' ;;
	inettest_blocked) nft_rule "$NS_ROUTER" faults "$name" "$onoff" \
		"oifname \"wan\" ip daddr $INETTEST_IP tcp dport $INETTEST_PORT counter reject with tcp reset" ;;
	up_5683_drop) nft_rule "$NS_INET" faults "$name" "$onoff" 'iifname "up0" tcp dport 5683 counter drop' ;;
	up_5683_reject) nft_rule "$NS_INET" faults "$name" "$onoff" 'iifname "up0" tcp dport 5683 counter reject with tcp reset' ;;
	udp_5683_prohibited) nft_rule "$NS_INET" faults "$name" "$onoff" \
		'iifname "up0" udp dport 5683 counter reject with icmp type admin-prohibited' ;;
	udp_5683_drop) nft_rule "$NS_INET" faults "$name" "$onoff" 'iifname "up0" udp dport 5683 counter drop' ;;
	portal_redirect) nft_rule "$NS_INET" portal "$name" "$onoff" \
		"iifname \"up0\" tcp dport 80 ip daddr != { $PORTAL_REDIRECT_IP, $PORTAL_PAGE_IP } counter dnat to $PORTAL_REDIRECT_IP" ;;
	portal_page) nft_rule "$NS_INET" portal "$name" "$onoff" \
		"iifname \"up0\" tcp dport 80 ip daddr != { $PORTAL_REDIRECT_IP, $PORTAL_PAGE_IP } counter dnat to $PORTAL_PAGE_IP" ;;
	dhcp_off) if [ "$onoff" = on ]; then stop router-dhcp; else dhcp_start; fi ;;
	rogue_dhcp) if [ "$onoff" = on ]; then rogue_start; else stop rogue-dhcp; fi ;;
	nxdomain | hijack) dns_reload ;;
	wan_down)
		[ "$onoff" = on ] && up=down
		ip -n "$NS_INET" link set up0 "$up"
		;;
	cloud_ipv6_only)
		# The cloud's name has only an AAAA record; the cloud listens on IPv6 only.
		if [ "$onoff" = on ]; then
			stop cloud
			spawn "$NS_INET" cloud6 "$PY" "$LAB/cloud.py" --bind "$CLOUD_IP6" --log "$LOGS/cloud6.log"
			wait_listen "$NS_INET" tcp "[$CLOUD_IP6]:5683"
		else
			stop cloud6
			cloud_start "$(cloud_mode)"
		fi
		dns_reload
		;;
	router_offline)
		# The WAN is down; the router's DNS answers every name with its own
		# address, where its web interface redirects to its login page.
		[ "$onoff" = on ] && up=down
		ip -n "$NS_INET" link set up0 "$up"
		stop router-dns
		router_dns_start
		if [ "$onoff" = on ]; then
			spawn "$NS_ROUTER" router-web "$PY" "$LAB/portal.py" --bind "$LAN_ROUTER" \
				--mode redirect --login-url "http://$LAN_ROUTER/login" --log "$LOGS/router-web.log"
			# Python may take a while to start on a loaded machine.
			wait_until 20 listening "$NS_ROUTER" tcp "$LAN_ROUTER:80" ||
				die "router-web does not listen on $LAN_ROUTER:80"
		else
			stop router-web
		fi
		;;
	cloud_*) cloud_start "$(cloud_mode)" ;;
	core_*) ;; # read by core_start
	lan_flood)
		if [ "$onoff" = on ]; then
			spawn "$NS_LAPTOP" flood "$PY" "$LAB/probe.py" flood "$LAN_ROUTER" 5683
		else
			stop flood
		fi
		;;
	esac
}

# fault_set NAME on|off
fault_set() {
	local name=$1 onoff=$2 m
	is_fault "$name" || die "unknown fault: $name (faults: $FAULTS)"
	case $onoff in on | off) ;; *) die "fault $name: say on or off, not '$onoff'" ;; esac
	if [ "$onoff" = on ]; then
		fault_is_on "$name" && return 0
		case $name in cloud_*) # the cloud has one mode at a time
			for m in silent reject noping; do rm -f "$STATE/faults/cloud_$m"; done ;;
		esac
		: >"$STATE/faults/$name"
	else
		fault_is_on "$name" || return 0
		rm -f "$STATE/faults/$name"
	fi
	fault_apply "$name" "$onoff"
}

faults_on() { ls "$STATE/faults"; }

faults_reset() {
	local f
	for f in $(faults_on); do
		fault_set "$f" off
	done
}
