// A DAVE peer for the interop tests: @snazzah/davey members plus this script playing the voice gateway's MLS
// external sender (RFC 9420 ExternalSender in the group's external_senders extension; external Add/Remove
// proposals as signed PublicMessages). One JSON request per stdin line, one JSON reply per stdout line; all byte
// strings are hex.
'use strict';
const crypto = require('crypto');
const readline = require('readline');
const davey = require('@snazzah/davey');

// ---- RFC 9420 TLS presentation language: fixed-width integers and opaque<V> with a §2.1.2 varint length ----
const u8 = (n) => Buffer.from([n]);
const u16 = (n) => { const b = Buffer.alloc(2); b.writeUInt16BE(n); return b; };
const u32 = (n) => { const b = Buffer.alloc(4); b.writeUInt32BE(n); return b; };
const u64 = (n) => { const b = Buffer.alloc(8); b.writeBigUInt64BE(BigInt(n)); return b; };
function varint(n) {
  if (n < 0x40) return u8(n);
  if (n < 0x4000) return u16(0x4000 | n);
  return u32((0x80000000 | n) >>> 0);
}
const opaque = (b) => Buffer.concat([varint(b.length), b]);
const MLS10 = 1, PUBLIC_MESSAGE = 1, SENDER_EXTERNAL = 2, CONTENT_PROPOSAL = 2, PROPOSAL_ADD = 1, PROPOSAL_REMOVE = 3;

// ---- the external sender (the voice gateway's role) ----
let groupId = null;
let signingKey = null;
let externalSender = null;

function makeExternalSender() {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  const point = Buffer.concat([u8(4), Buffer.from(jwk.x, 'base64url'), Buffer.from(jwk.y, 'base64url')]);
  signingKey = privateKey;
  // ExternalSender { SignaturePublicKey signature_key; Credential credential = basic(identity) }
  externalSender = Buffer.concat([opaque(point), u16(1), opaque(Buffer.from([0]))]);
}

// A PublicMessage from sender external/0 carrying one proposal, signed with SignWithLabel("FramedContentTBS")
// (RFC 9420 §5.1.2, §6.1); external senders include no GroupContext and no membership tag.
function externalProposal(epoch, proposal) {
  const framedContent = Buffer.concat([
    opaque(groupId), u64(epoch), u8(SENDER_EXTERNAL), u32(0), opaque(Buffer.alloc(0)), u8(CONTENT_PROPOSAL), proposal,
  ]);
  const tbs = Buffer.concat([u16(MLS10), u16(PUBLIC_MESSAGE), framedContent]);
  const signContent = Buffer.concat([opaque(Buffer.from('MLS 1.0 FramedContentTBS')), opaque(tbs)]);
  const signature = crypto.sign('sha256', signContent, signingKey); // DER ECDSA, as ciphersuite 2 signs
  return Buffer.concat([u16(MLS10), u16(PUBLIC_MESSAGE), framedContent, opaque(signature)]);
}

// ---- davey members by user id ----
const sessions = new Map();
const hex = (b) => (b ? Buffer.from(b).toString('hex') : null);
const bin = (h) => Buffer.from(h, 'hex');
const session = (user) => {
  const s = sessions.get(String(user));
  if (!s) throw new Error('no davey session for ' + user);
  return s;
};

const commands = {
  init(r) {
    groupId = u64(r.groupId);
    makeExternalSender();
    return { externalSender: hex(externalSender), version: davey.VERSION };
  },
  newMember(r) {
    const s = new davey.DAVESession(davey.DAVE_PROTOCOL_VERSION, String(r.user), String(r.groupId));
    sessions.set(String(r.user), s);
    s.setExternalSender(externalSender);
    return { keyPackage: hex(s.getSerializedKeyPackage()) };
  },
  // opcode 27 body after the sequence number: [u8 0=append][MLSMessage proposal_messages<V>]
  proposeAdd(r) {
    const messages = r.keyPackages.map((kp) => externalProposal(r.epoch, Buffer.concat([u16(PROPOSAL_ADD), bin(kp)])));
    return { body: hex(Buffer.concat([u8(0), opaque(Buffer.concat(messages))])) };
  },
  proposeRemove(r) {
    const messages = r.leaves.map((leaf) => externalProposal(r.epoch, Buffer.concat([u16(PROPOSAL_REMOVE), u32(leaf)])));
    return { body: hex(Buffer.concat([u8(0), opaque(Buffer.concat(messages))])) };
  },
  processProposals(r) {
    const body = bin(r.body);
    const result = session(r.user).processProposals(body[0], body.subarray(1), r.recognized || null);
    return { commit: hex(result.commit), welcome: hex(result.welcome) };
  },
  processCommit(r) {
    const s = session(r.user);
    s.processCommit(bin(r.commit));
    return { epoch: Number(s.epoch), ready: s.ready, users: s.getUserIds() };
  },
  processWelcome(r) {
    const s = session(r.user);
    s.processWelcome(bin(r.welcome));
    return { epoch: Number(s.epoch), ready: s.ready, users: s.getUserIds(), leaf: s.ownLeafIndex };
  },
  state(r) {
    const s = session(r.user);
    return { epoch: s.epoch === null ? null : Number(s.epoch), ready: s.ready, privacyCode: s.voicePrivacyCode,
      epochAuthenticator: hex(s.getEpochAuthenticator()), leaf: s.ownLeafIndex, users: s.getUserIds() };
  },
  encrypt(r) {
    const s = session(r.user);
    const frames = r.frames.map((f) => hex(s.encrypt(r.mediaType, r.codec, bin(f))));
    return { frames };
  },
  decrypt(r) {
    const s = session(r.user);
    const frames = r.frames.map((f) => {
      try {
        return hex(s.decrypt(String(r.from), r.mediaType, bin(f)));
      } catch (e) {
        return 'error:' + e.message;
      }
    });
    return { frames };
  },
  async sessionFingerprint(r) {
    return { fingerprint: hex(await session(r.user).getPairwiseFingerprint(r.version, String(r.other))) };
  },
  displayableCode(r) {
    return { code: davey.generateDisplayableCode(bin(r.data), r.length, r.groupSize) };
  },
  async pairwiseFingerprint(r) {
    const fp = await davey.generatePairwiseFingerprint(r.version, bin(r.localKey), String(r.localUser),
      bin(r.remoteKey), String(r.remoteUser));
    return { fingerprint: hex(fp) };
  },
};

const lines = readline.createInterface({ input: process.stdin });
let queue = Promise.resolve();
lines.on('line', (line) => {
  queue = queue.then(async () => {
    let reply;
    try {
      const request = JSON.parse(line);
      const handler = commands[request.cmd];
      if (!handler) throw new Error('unknown command ' + request.cmd);
      reply = Object.assign({ ok: true }, await handler(request));
    } catch (e) {
      reply = { ok: false, error: String(e && e.message ? e.message : e) };
    }
    process.stdout.write(JSON.stringify(reply) + '\n');
  });
});
lines.on('close', () => queue.then(() => process.exit(0)));
