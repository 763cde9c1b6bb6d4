#!/usr/bin/env bash
# Baseline for H264PayloadBenchmark: GStreamer's rtph264pay on the same clip, timed with gst-launch-1.0.
# Usage: benchmarks/gst-payloader-baseline.sh [CLIP] [REPEAT]
#   CLIP   an Annex-B H264 file; default: the clip H264PayloadBenchmark made in the temp directory
#   REPEAT how many copies of the clip to concatenate, so start-up time does not dominate (default 20)
# Prints the median of 5 runs of three pipelines: read only (filesrc ! fakesink), parse (+ h264parse), and
# parse + payload (+ rtph264pay mtu=1200), and the payloader's own rate: clip bytes / (payload - parse time).
set -euo pipefail
clip="${1:-${TMPDIR:-/tmp}/mediaplane-bench-1080p30-8M.h264}"
repeat="${2:-20}"
[ -s "$clip" ] || { echo "no clip at $clip: run H264PayloadBenchmark once, or pass a file" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for _ in $(seq "$repeat"); do cat "$clip"; done > "$work/clip.h264"
bytes=$(stat -c %s "$work/clip.h264")

median_seconds() { # pipeline...
  local times=() t0 t1
  for _ in 1 2 3 4 5; do
    t0=$(date +%s.%N)
    gst-launch-1.0 -q "$@" >/dev/null
    t1=$(date +%s.%N)
    times+=("$(echo "$t1 - $t0" | bc -l)")
  done
  printf '%s\n' "${times[@]}" | sort -n | sed -n 3p
}

src="filesrc location=$work/clip.h264 blocksize=1048576"
read_only=$(median_seconds $src ! fakesink)
parse=$(median_seconds $src ! h264parse ! fakesink)
payload=$(median_seconds $src ! h264parse ! rtph264pay mtu=1200 ! fakesink)
gb() { echo "scale=3; $bytes / $1 / 1000000000" | bc -l; }
echo "clip: $clip x $repeat = $bytes bytes"
echo "read only        : ${read_only} s"
echo "h264parse        : ${parse} s  ($(gb "$parse") GB/s)"
echo "h264parse+payload: ${payload} s  ($(gb "$payload") GB/s end to end)"
echo "rtph264pay alone : $(gb "$(echo "$payload - $parse" | bc -l)") GB/s (payload minus parse time)"
