// werift shaped like OBS Studio 30+'s WHIP output (libdatachannel): one offer with audio first (mid 0, Opus PT 111,
// SSRC base) and video second (mid 1, H264 PT 96 packetization-mode=1, SSRC base+1), no header extensions and no
// candidates in the offer (OBS sends none: against an ICE-lite server the client's checks are enough), POSTed to a
// WHIP endpoint (RFC 9725 §4.2) with a Bearer key. Media comes from plain RTP on two loopback UDP ports (an
// encoder such as FFmpeg sends there); werift re-stamps SSRC, payload type, sequence and timestamp as its
// RTCRtpSender does and sends SRTP.
// Usage: node obs-publisher.js WHIP_URL KEY BASE_SSRC
// Prints one JSON line per event: {"status","location","offer","videoPort","audioPort"} after the POST (or
// {"status","body"} when refused), {"state"} on connection changes, {"stats"} once a second (packets sent per
// track, PLIs received). On stdin end it sends DELETE to the session URL, prints {"deleted": status} and exits.
const dgram = require('dgram');
const readline = require('readline');
const { RTCPeerConnection, RTCRtpCodecParameters, MediaStreamTrack, RtpPacket } = require('werift');

const [url, key, baseArg] = process.argv.slice(2);
const base = Number(baseArg) >>> 0;
const say = (o) => process.stdout.write(JSON.stringify(o) + '\n');

const opus = new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48000, channels: 2, payloadType: 111,
  parameters: 'minptime=10;maxaveragebitrate=96000;stereo=1;sprop-stereo=1;useinbandfec=1' });
const h264 = new RTCRtpCodecParameters({ mimeType: 'video/H264', clockRate: 90000, payloadType: 96,
  rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'goog-remb' }],
  parameters: 'profile-level-id=42e01f;packetization-mode=1;level-asymmetry-allowed=1' });

function udpIn(track) {
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    socket.on('message', (buf) => {
      try { track.writeRtp(RtpPacket.deSerialize(buf)); } catch (e) { /* not RTP: dropped */ }
    });
    socket.bind(0, '127.0.0.1', () => resolve(socket));
  });
}

(async () => {
  const pc = new RTCPeerConnection({ codecs: { audio: [opus], video: [h264] }, headerExtensions: { audio: [], video: [] },
    iceUseIpv6: false, iceInterfaceAddresses: { udp4: '127.0.0.1' }, iceAdditionalHostAddresses: ['127.0.0.1'] });
  const audio = new MediaStreamTrack({ kind: 'audio' });
  const video = new MediaStreamTrack({ kind: 'video' });
  const a = pc.addTransceiver(audio, { direction: 'sendonly' });
  const v = pc.addTransceiver(video, { direction: 'sendonly' });
  a.sender.ssrc = base;
  v.sender.ssrc = (base + 1) >>> 0;
  pc.connectionStateChange.subscribe((s) => say({ state: s }));
  await pc.setLocalDescription(await pc.createOffer());
  const offer = pc.localDescription.sdp.split('\r\n')
      .filter((l) => !l.startsWith('a=candidate:') && l !== 'a=end-of-candidates').join('\r\n');
  const r = await fetch(url, { method: 'POST', body: offer,
    headers: { 'Content-Type': 'application/sdp', 'Authorization': 'Bearer ' + key } });
  const body = await r.text();
  if (r.status !== 201) {
    say({ status: r.status, body });
    process.exit(0);
  }
  const location = new URL(r.headers.get('Location'), url).href;
  await pc.setRemoteDescription({ type: 'answer', sdp: body });
  const videoIn = await udpIn(video);
  const audioIn = await udpIn(audio);
  say({ status: r.status, location, offer, videoPort: videoIn.address().port, audioPort: audioIn.address().port });
  const timer = setInterval(() => say({ stats: { video: v.sender.packetCount, audio: a.sender.packetCount,
    pli: v.sender.pliCount } }), 1000);

  const rl = readline.createInterface({ input: process.stdin });
  rl.on('close', async () => {
    clearInterval(timer);
    videoIn.close();
    audioIn.close();
    let status = -1;
    try {
      status = (await fetch(location, { method: 'DELETE', headers: { 'Authorization': 'Bearer ' + key } })).status;
    } catch (e) { /* reported as -1 */ }
    say({ deleted: status });
    await pc.close();
    process.exit(0);
  });
})().catch((e) => { console.error(e); process.exit(1); });
