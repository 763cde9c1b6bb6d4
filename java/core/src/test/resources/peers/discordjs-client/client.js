// Joins a voice "channel" on the voice server emulator with the real @discordjs/voice, plays 50 Opus packets
// that opusscript encodes here, and prints them (hex) so the test can compare what the emulator decrypted.
// Usage: node client.js <host:port> <guildId> <userId> <sessionId> <token>
'use strict';
const voice = require('@discordjs/voice');
const OpusScript = require('opusscript');
const { Readable } = require('node:stream');

const [endpoint, guildId, userId, sessionId, token] = process.argv.slice(2);

const encoder = new OpusScript(48000, 2, OpusScript.Application.AUDIO);
const packets = [];
for (let f = 0; f < 50; f++) {
  const pcm = Buffer.alloc(960 * 2 * 2);
  for (let i = 0; i < 960; i++) {
    const s = Math.round(8000 * Math.sin(2 * Math.PI * 440 * (f * 960 + i) / 48000));
    pcm.writeInt16LE(s, i * 4);
    pcm.writeInt16LE(s, i * 4 + 2);
  }
  packets.push(Buffer.from(encoder.encode(pcm, 960)));
}
encoder.delete();
console.log(JSON.stringify({ packets: packets.map((p) => p.toString('hex')) }));

async function main() {
  // @discordjs/voice picks its XChaCha library with a dynamic import() started when it is required, and a packet
  // encrypted before that import settles fails ("no valid encryption package"). Importing the same module here
  // and yielding once lets the library's own import settle first.
  await import('@noble/ciphers/chacha.js');
  await new Promise((r) => setImmediate(r));
  const connection = voice.joinVoiceChannel({
    channelId: '2',
    guildId,
    selfDeaf: false,
    daveEncryption: false,
    adapterCreator: (methods) => {
      setImmediate(() => {
        methods.onVoiceStateUpdate({ session_id: sessionId, user_id: userId, channel_id: '2', guild_id: guildId,
          self_deaf: false, self_mute: false });
        methods.onVoiceServerUpdate({ token, guild_id: guildId, endpoint });
      });
      return { sendPayload: () => true, destroy: () => {} };
    },
  });
  await voice.entersState(connection, voice.VoiceConnectionStatus.Ready, 15000);
  const player = voice.createAudioPlayer();
  connection.subscribe(player);
  player.play(voice.createAudioResource(Readable.from(packets), { inputType: voice.StreamType.Opus }));
  await voice.entersState(player, voice.AudioPlayerStatus.Playing, 5000);
  await voice.entersState(player, voice.AudioPlayerStatus.Idle, 15000);
  // the five trailing silence frames go out on the following ticks
  await new Promise((r) => setTimeout(r, 300));
  console.log(JSON.stringify({ done: true, mode: connection.state.networking?.state?.connectionData?.encryptionMode }));
  connection.destroy();
  process.exit(0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
