#!/bin/sh
# install-deps.sh: install, with apt-get, the Debian packages that kiplan
# needs to build and to run its tests, if any is missing.  Does nothing
# when all are there.  Not root, or not Debian: says what is missing.
set -eu

# Fonts: DejaVu for the documents' own text, Noto for every other script
# a name or a note may be written in (Greek, Cyrillic, Arabic, Hebrew,
# Devanagari, Thai... in fonts-noto-core; Chinese, Japanese, Korean in
# fonts-noto-cjk).  qpdf checks the PDF's structure in the tests, and
# Little CMS's transicc (liblcms2-utils) its colour profile; Chromium
# shows the HTML of kiplan stats as a reader sees it
# (tests/cli/stats-html.sh).
PKGS="pkg-config libyaml-dev libcmark-dev libgit2-dev libpcre2-dev
libcairo2-dev libpango1.0-dev zlib1g-dev
fonts-dejavu-core fonts-noto-core fonts-noto-cjk zsh
git jq poppler-utils qpdf liblcms2-utils python3 python3-icalendar python3-yaml mandoc
gettext locales clang-format cppcheck nodejs strace lighttpd chromium"

missing=
if command -v dpkg-query >/dev/null 2>&1; then
	for p in $PKGS; do
		s=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
		case $s in
		*" installed") ;;
		*) missing="$missing $p" ;;
		esac
	done
else
	pkg-config --exists yaml-0.1 libcmark libgit2 libpcre2-8 cairo pangocairo ||
		{ echo "install-deps: not a Debian system; install the equivalents of:" $PKGS >&2; exit 1; }
	exit 0
fi
# The Danish locale that LANG=da_DK.UTF-8 names, for the tests in Danish.
has_da() { locale -a 2>/dev/null | grep -qix 'da_DK\.utf-\?8'; }
gen_da() {
	has_da && return 0
	if [ "$(id -u)" -ne 0 ]; then
		echo "install-deps: the locale da_DK.UTF-8 is missing; as root:" \
			"localedef -i da_DK -f UTF-8 da_DK.UTF-8" >&2
		return 1
	fi
	echo "install-deps: generating the locale da_DK.UTF-8" >&2
	localedef -i da_DK -f UTF-8 da_DK.UTF-8
}
# The independent FHIR validator of tests/cli/identity.sh (@medplum/core,
# versions pinned in tests/fhir/package.json), into tests/fhir/node_modules.
# Without a network the test says it skips it; CI requires it.
fhir_validator() {
	dir=$(dirname "$0")/fhir
	[ -d "$dir/node_modules/@medplum/core" ] && return 0
	# Debian's npm is a package of its own; NodeSource's nodejs has it.
	if ! command -v npm >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends npm >&2 || true
	fi
	command -v npm >/dev/null 2>&1 || return 0
	echo "install-deps: npm install in $dir (the FHIR validator)" >&2
	(cd "$dir" && npm install --no-audit --no-fund --no-package-lock \
		--loglevel=error >&2) ||
		echo "install-deps: npm install failed; the FHIR validator test will be skipped" >&2
}
if [ -z "$missing" ]; then
	gen_da
	fhir_validator
	exit
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing packages:$missing" >&2
	echo "install-deps: run as root, or: sudo apt-get install$missing" >&2
	exit 1
fi
echo "install-deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >&2
gen_da
fhir_validator
