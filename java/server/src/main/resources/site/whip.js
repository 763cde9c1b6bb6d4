// WHIP (RFC 9725) and WHEP clients for the pages: one POST of the complete offer (candidates gathered first),
// DELETE on the session URL to stop. Kept small and dependency-free.
'use strict';

function gathered(pc) {
  return new Promise(resolve => {
    if (pc.iceGatheringState === 'complete') return resolve();
    pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
    setTimeout(resolve, 3000); // a host candidate is enough on a LAN; do not wait for a slow STUN server
  });
}

// POSTs pc's offer to url; resolves to {location} or throws an Error with the server's problem detail.
async function exchange(pc, url, key) {
  await pc.setLocalDescription(await pc.createOffer());
  await gathered(pc);
  const headers = {'Content-Type': 'application/sdp'};
  if (key) headers.Authorization = 'Bearer ' + key;
  const r = await fetch(url, {method: 'POST', headers, body: pc.localDescription.sdp});
  const body = await r.text();
  if (r.status !== 201) {
    let detail = body;
    try { detail = JSON.parse(body).detail || body; } catch (e) { /* not a problem document */ }
    const err = new Error(detail || ('HTTP ' + r.status));
    err.status = r.status;
    err.retryAfter = Number(r.headers.get('Retry-After')) || 0;
    throw err;
  }
  await pc.setRemoteDescription({type: 'answer', sdp: body});
  return {location: new URL(r.headers.get('Location'), url).href};
}

function preferCodec(transceiver, mimeType) {
  if (!mimeType || !RTCRtpSender.getCapabilities) return;
  const all = RTCRtpSender.getCapabilities('video').codecs;
  const wanted = all.filter(c => c.mimeType.toLowerCase() === mimeType.toLowerCase()
      && (mimeType !== 'video/H264' || /packetization-mode=1/.test(c.sdpFmtpLine || '')));
  if (wanted.length && transceiver.setCodecPreferences) {
    transceiver.setCodecPreferences([...wanted, ...all.filter(c => !wanted.includes(c))]);
  }
}

// Keeps the picture size when bandwidth or CPU is short (fewer frames instead): what a shared screen needs for
// its text, and what a Go Live viewer expects. Browsers that do not support it keep their own policy.
async function keepResolution(sender) {
  try {
    const p = sender.getParameters();
    p.degradationPreference = 'maintain-resolution';
    await sender.setParameters(p);
  } catch (e) { /* not supported here */ }
}

async function whipPublish(url, key, stream, codec) {
  const pc = new RTCPeerConnection();
  let video = null;
  for (const track of stream.getTracks()) {
    const t = pc.addTransceiver(track, {direction: 'sendonly', streams: [stream]});
    if (track.kind === 'video') {
      preferCodec(t, codec);
      video = t.sender;
    }
  }
  try {
    const {location} = await exchange(pc, url, key);
    if (video) await keepResolution(video);
    return {pc, location, key};
  } catch (e) {
    pc.close();
    throw e;
  }
}

async function whepView(url, key) {
  const pc = new RTCPeerConnection();
  pc.addTransceiver('video', {direction: 'recvonly'});
  pc.addTransceiver('audio', {direction: 'recvonly'});
  try {
    const {location} = await exchange(pc, url, key);
    return {pc, location, key};
  } catch (e) {
    pc.close();
    throw e;
  }
}

async function endSession(session) {
  if (!session) return;
  session.pc.close();
  const headers = session.key ? {Authorization: 'Bearer ' + session.key} : {};
  try { await fetch(session.location, {method: 'DELETE', headers}); } catch (e) { /* server gone */ }
}

function setStatus(el, text, kind) {
  el.textContent = text;
  el.className = 'status' + (kind ? ' ' + kind : '');
}

async function copyText(text, button) {
  try {
    await navigator.clipboard.writeText(text);
  } catch (e) { // no clipboard API outside a secure context: select and copy
    const ta = document.createElement('textarea');
    ta.value = text;
    document.body.appendChild(ta);
    ta.select();
    document.execCommand('copy');
    ta.remove();
  }
  if (button) {
    const old = button.textContent;
    button.textContent = 'Copied';
    setTimeout(() => { button.textContent = old; }, 1200);
  }
}
