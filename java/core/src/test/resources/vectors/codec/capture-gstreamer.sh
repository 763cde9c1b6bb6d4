#!/usr/bin/env bash
# Regenerates the payload-format vectors in this folder with GStreamer 1.22 (Debian 12 packages
# gstreamer1.0-tools, -plugins-base, -good, -bad, -ugly). Each pipeline encodes a few frames once and tees the
# encoder output into (a) the RTP payloader, whose packets rtpstreampay frames into a file (RFC 4571: 2-byte
# length + packet), and (b) the reference the depacketizer must reproduce: h264parse alignment=au / the VP8
# encoder's frames, one file per unit. Python steps turn both into hex, one packet or unit per line.
set -euo pipefail
cd "$(dirname "$0")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
src="videotestsrc num-buffers=4 pattern=ball ! video/x-raw,width=160,height=96,framerate=30/1"
pay_common="pt=96 ssrc=287454020 seqnum-offset=65533 timestamp-offset=4294960000 mtu=300"

h264() { # name, encoder, aggregate-mode
  mkdir -p "$work/$1"
  gst-launch-1.0 -q $src ! $2 ! tee name=t \
    t. ! queue ! h264parse ! video/x-h264,stream-format=byte-stream,alignment=au ! multifilesink location="$work/$1/u-%05d" \
    t. ! queue ! rtph264pay $pay_common aggregate-mode=$3 ! rtpstreampay ! filesink location="$work/$1.rtps"
  python3 - "$work" "$1" <<'PY'
import sys, glob, struct
work, name = sys.argv[1], sys.argv[2]
d = open(f"{work}/{name}.rtps", "rb").read()
i, lines = 0, []
while i < len(d):
    n = struct.unpack(">H", d[i:i + 2])[0]
    lines.append(d[i + 2:i + 2 + n].hex()); i += 2 + n
open(f"{name}.packets.hex", "w").write("\n".join(lines) + "\n")
units = [open(f, "rb").read().hex() for f in sorted(glob.glob(f"{work}/{name}/u-*"))]
open(f"{name}.units.hex", "w").write("\n".join(units) + "\n")
PY
}

h264 x264-zero-latency "x264enc tune=zerolatency speed-preset=ultrafast key-int-max=2 threads=1 ! video/x-h264,profile=constrained-baseline" zero-latency
h264 x264-none "x264enc tune=zerolatency speed-preset=ultrafast key-int-max=2 threads=1 ! video/x-h264,profile=constrained-baseline" none
h264 openh264-zero-latency "openh264enc gop-size=2 ! video/x-h264,profile=constrained-baseline" zero-latency

mkdir -p "$work/vp8"
gst-launch-1.0 -q $src ! vp8enc deadline=1 keyframe-max-dist=2 threads=1 ! tee name=t \
  t. ! queue ! multifilesink location="$work/vp8/u-%05d" \
  t. ! queue ! rtpvp8pay $pay_common picture-id-mode=15-bit picture-id-offset=32760 ! rtpstreampay ! filesink location="$work/vp8.rtps"
python3 - "$work" <<'PY'
import sys, glob, struct
work = sys.argv[1]
d = open(f"{work}/vp8.rtps", "rb").read()
i, lines = 0, []
while i < len(d):
    n = struct.unpack(">H", d[i:i + 2])[0]
    lines.append(d[i + 2:i + 2 + n].hex()); i += 2 + n
open("vp8-15bit.packets.hex", "w").write("\n".join(lines) + "\n")
open("vp8-15bit.units.hex", "w").write("\n".join(open(f, "rb").read().hex() for f in sorted(glob.glob(f"{work}/vp8/u-*"))) + "\n")
PY

# Sequence parameter sets: the first SPS NAL unit (no start code) of a one-frame encode.
sps() { # name, caps, encoder
  gst-launch-1.0 -q videotestsrc num-buffers=1 ! "$2" ! $3 ! h264parse ! video/x-h264,stream-format=byte-stream,alignment=au ! filesink location="$work/$1.h264"
  python3 - "$work/$1.h264" "$1" <<'PY'
import sys, re
d = open(sys.argv[1], "rb").read()
for part in re.split(b"\x00\x00\x01", d)[1:]:
    if part and part[0] & 0x1f == 7:
        open(f"sps-{sys.argv[2]}.hex", "w").write(part.rstrip(b"\x00").hex() + "\n"); break
PY
}
sps x264-baseline-1080p video/x-raw,width=1920,height=1080,framerate=30/1 "x264enc speed-preset=ultrafast ! video/x-h264,profile=constrained-baseline"
sps x264-high-bframes-720p video/x-raw,width=1280,height=720,framerate=30/1 "x264enc speed-preset=veryfast bframes=2 ! video/x-h264,profile=high"
sps x264-high-nob-360p video/x-raw,width=640,height=360,framerate=25/1 "x264enc speed-preset=veryfast bframes=0 ! video/x-h264,profile=high"
sps x264-main-interlaced-576 video/x-raw,width=720,height=576,framerate=25/1,interlace-mode=interleaved "x264enc speed-preset=ultrafast interlaced=true bframes=0 ! video/x-h264,profile=main"
sps openh264-baseline-270p video/x-raw,width=480,height=270,framerate=30/1 "openh264enc ! video/x-h264,profile=constrained-baseline"
