# Shared set-up for ./mediaplane and ./run-tests: find a JDK >= 25 and install missing Debian packages.
# Sourced, not executed. Prints one clear line and exits non-zero when something cannot be provided.

MP_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Needed at run time: the native libraries mediaplane binds through FFM, and FFmpeg, which `ipc` publishing runs.
MP_RUNTIME_PACKAGES="libssl3 libgcrypt20 libsrtp2-1 libopenh264-7 libvpx7 libturbojpeg0 ffmpeg"
# Needed to build: CMake and a C compiler for libmediaplane; curl and unzip for the Maven wrapper.
MP_BUILD_PACKAGES="cmake gcc libc6-dev make curl unzip ca-certificates"
# Needed by the interop tests: real third-party peers.
MP_TEST_PACKAGES="gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly ffmpeg libsrtp2-dev tcpdump chromium libpulse0"

mp_die() {
  echo "mediaplane: $*" >&2
  exit 1
}

mp_missing_packages() {
  local missing="" p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
  done
  echo "${missing# }"
}

# mp_ensure_packages PKG...: installs what is missing with apt-get when root, else names it and fails.
mp_ensure_packages() {
  command -v dpkg-query >/dev/null || mp_die "this is not a Debian-like system; install the equivalents of: $*"
  local missing
  missing="$(mp_missing_packages "$@")"
  [ -z "$missing" ] && return 0
  if [ "$(id -u)" != 0 ]; then
    mp_die "missing Debian packages: $missing (run as root to install them, or: sudo apt-get install -y $missing)"
  fi
  echo "mediaplane: installing $missing" >&2
  export DEBIAN_FRONTEND=noninteractive
  local apt="apt-get -o DPkg::Lock::Timeout=600 -q"
  $apt update >/dev/null || mp_die "apt-get update failed"
  # shellcheck disable=SC2086
  $apt install -y --no-install-recommends $missing >/dev/null || mp_die "apt-get install failed for: $missing"
  missing="$(mp_missing_packages "$@")"
  [ -z "$missing" ] || mp_die "still missing after apt-get install: $missing"
}

mp_java_major() { # prints the major version of the java binary $1, or nothing
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p'
}

# mp_find_jdk: exports JAVA_HOME to a JDK >= 25: $JAVA_HOME if it qualifies, else the newest under /usr/lib/jvm.
mp_find_jdk() {
  local candidate major best="" best_major=0
  for candidate in ${JAVA_HOME:+"$JAVA_HOME"} /usr/lib/jvm/*; do
    [ -x "$candidate/bin/javac" ] || continue
    major="$(mp_java_major "$candidate/bin/java")"
    [ -n "$major" ] || continue
    if [ "$candidate" = "${JAVA_HOME:-}" ] && [ "$major" -ge 25 ]; then best="$candidate"; break; fi
    if [ "$major" -ge 25 ] && [ "$major" -gt "$best_major" ]; then best="$candidate"; best_major="$major"; fi
  done
  [ -n "$best" ] || mp_die "no JDK 25 or newer found (JAVA_HOME=${JAVA_HOME:-unset}, /usr/lib/jvm/*); install one, e.g. Temurin 25, and set JAVA_HOME"
  export JAVA_HOME="$best"
  export PATH="$JAVA_HOME/bin:$PATH"
}

mp_mvnw() {
  (cd "$MP_ROOT" && ./mvnw -B --no-transfer-progress "$@")
}
