#!/usr/bin/env bash
# Baseline for JpegBenchmark: the same tjCompressFromYUVPlanes call from C on the same 1080p testsrc2 picture.
# Usage: benchmarks/jpeg-c-baseline.sh [SECONDS]   (needs gcc, ffmpeg, libturbojpeg0)
# Prints three runs of SECONDS (default 5) each; report the median.
set -euo pipefail
seconds="${1:-5}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
frame="${TMPDIR:-/tmp}/mediaplane-bench-testsrc2-1920x1080.yuv"
[ -s "$frame" ] || ffmpeg -v error -y -f lavfi -i testsrc2=size=1920x1080 -frames:v 1 -pix_fmt yuv420p -f rawvideo "$frame"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
gcc -O2 -o "$work/turbojpeg-yuv" "$here/c/turbojpeg-yuv.c" -l:libturbojpeg.so.0
for _ in 1 2 3; do "$work/turbojpeg-yuv" "$frame" 1920 1080 "$seconds"; done
