// werift (pure TypeScript WebRTC, third party) as a full ICE + DTLS-SRTP peer for mediaplane's transport tests.
// Prints {"offer": SDP} as one line on stdout, reads {"answer": SDP} as one line from stdin, then sends RTP
// (H264 PT 96, small dummy payloads) once connected; reports {"state": ...} lines; exits when stdin closes.
// Usage: node peer.js [packets=200]
const readline = require('readline');
const { RTCPeerConnection, RTCRtpCodecParameters, MediaStreamTrack, RtpPacket, RtpHeader } = require('werift');

const packets = +(process.argv[2] || 200);
const codec = new RTCRtpCodecParameters({
  mimeType: 'video/H264', clockRate: 90000, payloadType: 96,
  parameters: 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f',
});
const say = (o) => process.stdout.write(JSON.stringify(o) + '\n');

(async () => {
  const pc = new RTCPeerConnection({ codecs: { video: [codec] }, iceUseIpv6: false,
    iceInterfaceAddresses: { udp4: '127.0.0.1' }, iceAdditionalHostAddresses: ['127.0.0.1'] });
  const track = new MediaStreamTrack({ kind: 'video' });
  pc.addTransceiver(track, { direction: 'sendonly' });
  pc.connectionStateChange.subscribe((s) => say({ state: s }));
  await pc.setLocalDescription(await pc.createOffer());
  say({ offer: pc.localDescription.sdp });

  const rl = readline.createInterface({ input: process.stdin });
  rl.on('close', async () => { await pc.close(); process.exit(0); });
  rl.once('line', async (line) => {
    await pc.setRemoteDescription({ type: 'answer', sdp: JSON.parse(line).answer });
    const started = () => {
      let seq = 1000;
      let sent = 0;
      const timer = setInterval(() => {
        const header = new RtpHeader({ payloadType: 96, sequenceNumber: seq++ & 0xffff, timestamp: seq * 3000,
          ssrc: 0x5eed5eed, marker: true });
        // a single-NAL-unit packet (RFC 6184 §5.6): NAL type 1 (non-IDR slice) then filler
        const payload = Buffer.alloc(200, 0xab);
        payload[0] = 0x41;
        track.writeRtp(new RtpPacket(header, payload));
        if (++sent >= packets) {
          clearInterval(timer);
          say({ sent });
        }
      }, 10);
    };
    if (pc.connectionState === 'connected') started();
    else pc.connectionStateChange.subscribe((s) => s === 'connected' && started());
  });
})().catch((e) => { console.error(e); process.exit(1); });
