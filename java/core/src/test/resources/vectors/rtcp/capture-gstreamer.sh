#!/bin/sh
# Captures real RTCP from two GStreamer 1.22 rtpbin peers on 127.0.0.1 into $OUT (a pcap), see README.md.
#   sender rtpbin --RTP--> lossy_relay.py :5010 --> receiver rtpbin :5000
#   sender RTCP (SR, SDES, BYE)               --> receiver :5001
#   receiver RTCP (RR, SDES, NACK, PLI, TWCC) --> sender   :5005
OUT=${1:-/tmp/rtcp-gstreamer.pcap}
HERE=$(dirname "$0")
TWCC=http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01
timeout 30 tshark -i lo -f "udp portrange 5000-5010" -w "$OUT" &
sleep 2
python3 "$HERE/lossy_relay.py" 5010 5000 16 &
timeout 18 gst-launch-1.0 rtpbin name=r rtp-profile=avpf do-retransmission=true \
  udpsrc port=5000 caps="application/x-rtp,media=video,clock-rate=90000,encoding-name=H264,payload=96,rtcp-fb-nack=(boolean)true,rtcp-fb-nack-pli=(boolean)true,rtcp-fb-transport-cc=(boolean)true,extmap-3=(string)$TWCC" ! r.recv_rtp_sink_0 \
  r. ! rtph264depay request-keyframe=true wait-for-keyframe=true ! fakesink \
  udpsrc port=5001 ! r.recv_rtcp_sink_0 \
  r.send_rtcp_src_0 ! udpsink host=127.0.0.1 port=5005 sync=false async=false &
sleep 1
timeout 18 gst-launch-1.0 -e rtpbin name=b rtp-profile=avpf \
  videotestsrc num-buffers=300 is-live=true ! video/x-raw,width=320,height=240,framerate=30/1 ! \
  x264enc tune=zerolatency key-int-max=60 ! \
  rtph264pay config-interval=1 pt=96 auto-header-extension=true ! "application/x-rtp,extmap-3=(string)$TWCC" ! b.send_rtp_sink_0 \
  b.send_rtp_src_0 ! udpsink host=127.0.0.1 port=5010 \
  b.send_rtcp_src_0 ! udpsink host=127.0.0.1 port=5001 sync=false async=false \
  udpsrc port=5005 ! b.recv_rtcp_sink_0
sleep 10
wait
