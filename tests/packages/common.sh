# Helpers for the package and cross-build tests; sourced.  Each check
# prints "ok - ..." or "not ok - ..."; summary prints the
# "N passed, N failed" line scripts/test counts.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
# Built dependencies, debootstrapped roots and downloaded sources are kept
# here between runs, outside the build trees, so a rerun is quick.
CACHE=${COREDIAGD_CACHE:-/var/cache/corediagd-test}
pkg_passed=0
pkg_failed=0

ok() { pkg_passed=$((pkg_passed + 1)); echo "ok - $*"; }
not_ok() { pkg_failed=$((pkg_failed + 1)); echo "not ok - $*"; }
check() {	# check DESCRIPTION COMMAND...
	d=$1; shift
	if "$@"; then ok "$d"; else not_ok "$d"; fi
}
summary() {
	echo "$pkg_passed passed, $pkg_failed failed"
	[ "$pkg_failed" -eq 0 ]
}

# The Debian archive this machine installs from (its apt sources), so the
# tests fetch from the same mirror; COREDIAGD_MIRROR overrides.
debian_mirror() {
	if [ -n "${COREDIAGD_MIRROR:-}" ]; then
		echo "$COREDIAGD_MIRROR"
		return
	fi
	{
		cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
		    awk '/^URIs:/ { for (i = 2; i <= NF; i++) print $i }'
		cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
		    2>/dev/null | awk '$1 == "deb" {
			for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) {
				print $i; break } }'
	} | grep -E '/debian/?$' | head -n 1
}

# A copy of the source tree as git sees it (committed or not, ignored
# files left out), so a build never touches the working tree's build/.
copy_tree() {	# copy_tree DEST
	mkdir -p "$1"
	(cd "$top" && git ls-files -z -c -o --exclude-standard |
	    xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh |
	    tar --null -T - -cf -) | tar -xf - -C "$1"
}
