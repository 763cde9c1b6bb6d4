package io.mediaplane.discord.dave;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mediaplane.crypto.TruncatedTagAesGcm;
import io.mediaplane.discord.FrameCryptoStatus;
import io.mediaplane.stream.Codec;
import io.mediaplane.stream.MediaKind;
import java.util.Arrays;

/**
 * Fuzz target for the parsers of outside input in DAVE: incoming frames (trailer, LEB128 nonce and ranges) opened
 * by a keyed decryptor, and the gateway's JSON integer fields. Whatever arrives gives a status or a length inside
 * the frame, never an exception. The same bytes, taken as a plain frame of the codec byte 0 picks, seal and open
 * back to themselves (H264/H265/AV1 frames are normalised first, so only their re-sealing is compared). Runs its
 * seeds in every test run and fuzzes when JAZZER_FUZZ=1.
 */
class DaveFrameFuzzTest {
    private static final byte[] BASE = new byte[16];

    @FuzzTest(maxDuration = "20s")
    void frame(byte[] input) {
        if (input.length == 0) {
            return;
        }
        Codec codec = Codec.values()[(input[0] & 0x7F) % Codec.values().length];
        byte[] frame = Arrays.copyOfRange(input, 1, input.length);
        long now = 1_000_000_000L;
        try (FrameDecryptor decryptor = new FrameDecryptor(TruncatedTagAesGcm.Backend.BOUNCY_CASTLE);
                FrameEncryptor encryptor = new FrameEncryptor(TruncatedTagAesGcm.Backend.BOUNCY_CASTLE)) {
            decryptor.transitionToKeyRatchet(new KeyRatchet(BASE), 0, now);
            if ((input[0] & 0x80) != 0) {
                decryptor.transitionToPassthrough(true, 0, now);
            }
            byte[] out = new byte[frame.length];
            int r = decryptor.open(codec.kind(), frame, frame.length, out, now);
            if (r >= 0) {
                assertThat(r).isLessThanOrEqualTo(frame.length);
            } else {
                assertThat(FrameCryptoStatus.ofResult(r)).isNotEqualTo(FrameCryptoStatus.OK);
            }
            encryptor.setKeyRatchet(new KeyRatchet(BASE));
            byte[] sealed = new byte[FrameEncryptor.maxSealedSize(frame.length) + frame.length + 16];
            int n = encryptor.seal(codec, frame, frame.length, sealed);
            if (n < 0) {
                // Only a frame with clear ranges can be refused: so many of them (e.g. hundreds of tiny AV1 OBUs)
                // that their LEB128 list does not fit the trailer's one-byte supplemental size, which libdave
                // refuses as well (seed av1-too-many-ranges).
                assertThat(FrameCryptoStatus.ofResult(n)).isEqualTo(FrameCryptoStatus.MALFORMED);
                assertThat(codec).isIn(Codec.H264, Codec.H265, Codec.AV1);
            } else {
                try (FrameDecryptor fresh = new FrameDecryptor(TruncatedTagAesGcm.Backend.BOUNCY_CASTLE)) {
                    fresh.transitionToKeyRatchet(new KeyRatchet(BASE), 0, now);
                    byte[] opened = new byte[n];
                    int m = fresh.open(MediaKind.VIDEO, sealed, n, opened, now);
                    assertThat(m).isNotNegative();
                    if (codec == Codec.OPUS || codec == Codec.VP8 || codec == Codec.VP9) {
                        assertThat(Arrays.copyOf(opened, m)).isEqualTo(frame);
                    }
                }
            }
        }
        String json = new String(frame, java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(DaveMessages.intField(json, "transition_id")).isGreaterThanOrEqualTo(-1);
        DaveMessages.ServerBinary b = DaveMessages.parseServerBinary(frame);
        if (b != null) {
            assertThat(DaveMessages.parseTransition(b.payload()) == null).isEqualTo(b.payload().length < 2);
        }
    }
}
