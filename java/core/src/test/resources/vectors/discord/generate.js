// Golden vectors for Discord's rtpsize transport AEAD modes, sealed by @discordjs/voice's own encrypt code.
//
//   seal:  Networking.prototype.encryptOpusPacket(plaintext, connectionData, additionalData)
//          (the function createAudioPacket calls; it takes the clear header as additionalData, so we can hand
//          it headers with CSRCs, an extension preamble or an RTCP header). Not exported: we load the installed
//          dist/index.js unmodified and append one export line.
//   check: node:crypto (AES-256-GCM) and @noble/ciphers (XChaCha20-Poly1305) decrypt every packet with the
//          documented layout; packets the library's receive path can read (no CSRCs: it assumes a 12-byte
//          header, +4 with X) also go through VoiceReceiver.prototype.parsePacket.
//
// Usage (see README.md): npm ci && node generate.js > discord-vectors.json
const fs = require('fs'), path = require('path'), Module = require('module'), crypto = require('crypto');
const file = require.resolve('@discordjs/voice');
const m = new Module(file, module); m.filename = file; m.paths = Module._nodeModulePaths(path.dirname(file));
m._compile(fs.readFileSync(file, 'utf8') +
  '\nmodule.exports.__t = { Networking, VoiceReceiver, secretboxLoadPromise };', file);
const { Networking, VoiceReceiver, secretboxLoadPromise } = m.exports.__t;
const { xchacha20poly1305 } = require('@noble/ciphers/chacha');
const hex = b => Buffer.from(b).toString('hex');
const versionOf = pkg => JSON.parse(fs.readFileSync(path.join(__dirname, 'node_modules', pkg, 'package.json'), 'utf8')).version;
const GCM = 'aead_aes256_gcm_rtpsize', XCHACHA = 'aead_xchacha20_poly1305_rtpsize';
// receiver `this`: 0.19.x parsePacket also consults this.voiceConnection (for DAVE); 'idle' = no DAVE layer
const rx = Object.assign(Object.create(VoiceReceiver.prototype), { voiceConnection: { state: { status: 'idle' } } });

// deterministic bytes (no Math.random): SHA-256 in counter mode over a label
function bytes(label, n) {
  const out = Buffer.alloc(n);
  for (let i = 0, off = 0; off < n; i++) {
    const h = crypto.createHash('sha256').update(label + '/' + i).digest();
    off += h.copy(out, off);
  }
  return out;
}
const KEY0 = Buffer.from(Array.from({ length: 32 }, (_, i) => i)); // 00 01 .. 1f
const KEY1 = bytes('key1', 32);
const KEY2 = bytes('key2', 32);

function rtpHeader({ b0 = 0x80, b1 = 0x78, seq = 0x1234, ts = 0x01020304, ssrc = 0xdeadbeef, csrcs = [], ext = null }) {
  const h = Buffer.alloc(12 + 4 * csrcs.length);
  h[0] = b0 | csrcs.length | (ext ? 0x10 : 0); h[1] = b1;
  h.writeUInt16BE(seq, 2); h.writeUInt32BE(ts, 4); h.writeUInt32BE(ssrc, 8);
  csrcs.forEach((c, i) => h.writeUInt32BE(c, 12 + 4 * i));
  return ext ? Buffer.concat([h, ext.preamble]) : h;
}

function seal(mode, key, counterUsed, clearHeader, body) {
  // encryptOpusPacket pre-increments (and wraps 2^32-1 -> 0), so start one below the counter we want used
  const cd = { encryptionMode: mode, secretKey: new Uint8Array(key), nonce: counterUsed === 0 ? 0xffffffff : counterUsed - 1,
    nonceBuffer: Buffer.alloc(mode === GCM ? 12 : 24) };
  const [encrypted, nonceTail] = Networking.prototype.encryptOpusPacket.call(Networking.prototype, body, cd, clearHeader);
  if (cd.nonce !== counterUsed) throw new Error(`counter ${cd.nonce} != ${counterUsed}`);
  return Buffer.concat([clearHeader, encrypted, nonceTail]);
}

function independentOpen(mode, key, packet, aadLength) {
  const aad = packet.subarray(0, aadLength), tail = packet.subarray(packet.length - 4);
  const sealed = packet.subarray(aadLength, packet.length - 4);
  const nonce = Buffer.alloc(mode === GCM ? 12 : 24); tail.copy(nonce, 0);
  if (mode === GCM) {
    const d = crypto.createDecipheriv('aes-256-gcm', key, nonce); d.setAAD(aad);
    d.setAuthTag(sealed.subarray(sealed.length - 16));
    return Buffer.concat([d.update(sealed.subarray(0, sealed.length - 16)), d.final()]);
  }
  return Buffer.from(xchacha20poly1305(key, nonce, aad).decrypt(sealed));
}

const vectors = [];
function add(name, mode, key, counter, kind, clearHeader, body, note) {
  const packet = seal(mode, key, counter, clearHeader, body);
  const opened = independentOpen(mode, key, packet, clearHeader.length);
  if (Buffer.compare(opened, body) !== 0) throw new Error(name + ': independent decrypt differs');
  const v = { name, mode, kind, key: hex(key), counter, clearHeaderLength: clearHeader.length,
    plaintext: hex(Buffer.concat([clearHeader, body])), packet: hex(packet), independentDecryptOk: true };
  // the library's receive path: AAD = 12 (+4 with X), then strips padding and the extension body
  if (kind === 'rtp' && (clearHeader[0] & 0x0f) === 0) {
    const back = rx.parsePacket(Buffer.from(packet), mode, Buffer.alloc(mode === GCM ? 12 : 24), key);
    let expect = body;
    if (clearHeader[0] & 0x20) expect = expect.subarray(0, expect.length - expect[expect.length - 1]);
    if (clearHeader[0] & 0x10) expect = expect.subarray(4 * clearHeader.readUInt16BE(14));
    if (Buffer.compare(back, expect) !== 0) throw new Error(name + ': library receive path differs');
    v.libraryParsePacketOk = true;
  }
  if (note) v.note = note;
  vectors.push(v);
}

(async () => {
  await secretboxLoadPromise; // picks the first XChaCha library that loads: @stablelib here (see package.json)
  const opus = Buffer.from('f8fffe', 'hex');
  const videoExt = { preamble: Buffer.from('bede0001', 'hex') }; // clankvox / Discord-video-stream video packets
  const extBody = Buffer.from('51000000', 'hex');                  // element ID 5, L=1 (2 zero bytes), 1 pad byte
  for (const mode of [GCM, XCHACHA]) {
    const m = mode === GCM ? 'gcm' : 'xchacha';
    add(`${m}-opus-silence-key0-counter1`, mode, KEY0, 1, 'rtp', rtpHeader({}), opus,
      'the same packet as the LAB reference (createAudioPacket, key 00..1f, first counter 1)');
    add(`${m}-opus-40B-key1-counter42`, mode, KEY1, 42, 'rtp', rtpHeader({ seq: 7, ts: 960 * 7, ssrc: 0x11223344 }),
      bytes(m + 'p40', 40));
    add(`${m}-empty-payload-counter0`, mode, KEY2, 0, 'rtp', rtpHeader({ seq: 0, ts: 0, ssrc: 1 }), Buffer.alloc(0),
      'zero-length payload: the packet is header + tag + counter');
    add(`${m}-counter-ffffffff`, mode, KEY1, 0xffffffff, 'rtp', rtpHeader({ seq: 0xffff }), opus,
      'last counter before the wrap');
    add(`${m}-counter-wrapped-to-0`, mode, KEY1, 0, 'rtp', rtpHeader({ seq: 0 }), opus,
      'encryptOpusPacket wraps 2^32-1 -> 0');
    add(`${m}-csrc2`, mode, KEY1, 5, 'rtp', rtpHeader({ csrcs: [0x01020304, 0xa0b0c0d0] }), bytes(m + 'c2', 100),
      'CC=2: the clear header is 12 + 4*CC = 20 bytes');
    add(`${m}-video-ext-1100B`, mode, KEY2, 1000, 'rtp',
      rtpHeader({ b0: 0x80, b1: 0x80 | 103, seq: 0x0102, ts: 90000, ssrc: 0xcafebabe, ext: videoExt }),
      Buffer.concat([extBody, bytes(m + 'v1100', 1100)]),
      'X=1: the clear header ends with the 4-byte preamble BEDE 0001; the extension body is the first plaintext bytes');
    add(`${m}-padding`, mode, KEY1, 77, 'rtp', rtpHeader({ b0: 0xa0 }),
      Buffer.concat([bytes(m + 'pad', 33), Buffer.from('00000004', 'hex')]),
      'P=1: padding (last byte = 4) is inside the ciphertext');
    add(`${m}-csrc1-ext-padding`, mode, KEY2, 0x80000000, 'rtp',
      rtpHeader({ b0: 0xa0, b1: 105, csrcs: [0x55667788], ext: { preamble: Buffer.from('bede0002', 'hex') } }),
      Buffer.concat([Buffer.from('1122334455667700', 'hex'), bytes(m + 'all', 200), Buffer.from('0002', 'hex')]),
      'CC=1, X=1 (2 words), P=1: clear header 12 + 4 + 4 = 20 bytes');
    add(`${m}-mtu-1200B`, mode, KEY1, 123456, 'rtp', rtpHeader({ b1: 103 }), bytes(m + 'mtu', 1200));
    add(`${m}-large-16384B`, mode, KEY2, 9, 'rtp', rtpHeader({ b1: 103 }), bytes(m + 'large', 16384));
    // RTCP: @discordjs/voice sends none; the same encryptOpusPacket is given the RTCP clear header as AAD
    const sr = Buffer.from('80c80006deadbeef', 'hex'); // SR, length 6 words (plaintext), sender SSRC
    add(`${m}-rtcp-sr-8B-header`, mode, KEY1, 3, 'rtcp8', sr, bytes(m + 'sr', 20),
      'RTCP, 8-byte clear header (fixed header + sender SSRC) and the 20-byte sender info encrypted: the form ' +
      'Discord accepted from Discord-video-stream v4; the length field counts plaintext words only');
    const srShort = Buffer.from('80c80006', 'hex');
    add(`${m}-rtcp-sr-4B-header`, mode, KEY1, 4, 'rtcp4', srShort,
      Buffer.concat([Buffer.from('deadbeef', 'hex'), bytes(m + 'sr', 20)]),
      'RTCP, 4-byte clear header (clankvox): the sender SSRC is encrypted too');
  }
  console.log(JSON.stringify({
    library: '@discordjs/voice@' + versionOf('@discordjs/voice'),
    xchachaLibrary: '@stablelib/xchacha20poly1305@' + versionOf('@stablelib/xchacha20poly1305'),
    checkedWith: ['node:crypto ' + process.versions.openssl, '@noble/ciphers@' + versionOf('@noble/ciphers')],
    layout: 'packet = clearHeader || AEAD(key, nonce, aad = clearHeader, plaintext after the header) (ciphertext || 16-byte tag) ' +
      '|| counter (u32 BE). Nonce = counter (u32 BE) in bytes 0..3 of 12 (AES-256-GCM) or 24 (XChaCha20-Poly1305) zero bytes. ' +
      'RTP clear header = 12 + 4*CC (+4 if X). Fields: plaintext = the whole unsealed packet (clear header first), ' +
      'counter = the nonce counter used for this packet.',
    vectors }, null, 1));
})();
