package io.mediaplane.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The libgcrypt SRTP transform against OpenSSL's and JCE's on the same random RTP packets (payloads 0..1500, any
 * CSRC count, header extensions or none, packet indexes across a ROC increment): the three seal byte for byte
 * alike (RFC 7714 §8 leaves no freedom), each opens the others' output, and a packet with one byte changed —
 * header (AAD), payload or tag — is refused by all.
 */
class GcryptSrtpCrossCheckTest {
    private static final SrtpBackend[] BACKENDS = {SrtpBackend.GCRYPT, SrtpBackend.OPENSSL, SrtpBackend.JCE};

    @ParameterizedTest
    @EnumSource(value = SrtpProfile.class, names = {"AEAD_AES_128_GCM", "AEAD_AES_256_GCM"})
    void threeBackendsSealAlikeAndOpenEachOther(SrtpProfile profile) {
        SplittableRandom r = new SplittableRandom(7714L + profile.ordinal());
        byte[] key = new byte[profile.keyLength()];
        byte[] salt = new byte[12];
        r.nextBytes(key);
        r.nextBytes(salt);
        SrtpTransform[] t = new SrtpTransform[BACKENDS.length];
        for (int i = 0; i < t.length; i++) {
            t[i] = BACKENDS[i].withSessionKeys(profile, key, salt, null, false);
        }
        assertThat(t[0]).isInstanceOf(GcryptSrtpGcmTransform.class);
        assertThat(t[1]).isInstanceOf(OpenSslSrtpGcmTransform.class);
        assertThat(t[2]).isInstanceOf(JceSrtpGcmTransform.class);
        try {
            int ssrc = r.nextInt();
            long index = (r.nextLong(1L << 31) << 16) | 0xFF00; // the ROC steps up after 256 packets
            int tampered = 0;
            for (int n = 0; n < 600; n++, index++) {
                int payload = n < 16 ? n : r.nextInt(1501);
                byte[] plain = new byte[12 + 60 + 16 + 1500 + 255 + 16];
                int length = CrossBackendRoundTripTest.randomRtp(r, plain, payload);
                int header = headerLength(plain);
                byte[][] sealed = new byte[BACKENDS.length][];
                for (int i = 0; i < t.length; i++) {
                    sealed[i] = plain.clone();
                    t[i].sealRtp(sealed[i], 0, header, length, ssrc, index);
                }
                assertThat(Arrays.copyOf(sealed[0], length + 16)).as("packet %d", n)
                        .isEqualTo(Arrays.copyOf(sealed[1], length + 16))
                        .isEqualTo(Arrays.copyOf(sealed[2], length + 16));
                assertThat(Arrays.equals(sealed[0], header, length, plain, header, length))
                        .as("payload encrypted").isEqualTo(length == header);
                for (SrtpTransform opener : t) {
                    byte[] p = sealed[n % BACKENDS.length].clone();
                    assertThat(opener.openRtp(p, 0, header, length, ssrc, index)).isTrue();
                    assertThat(Arrays.copyOf(p, length)).isEqualTo(Arrays.copyOf(plain, length));
                }
                int at = r.nextInt(length + 16);
                for (SrtpTransform opener : t) {
                    byte[] p = Arrays.copyOf(sealed[0], sealed[0].length);
                    p[at] ^= (byte) (1 << r.nextInt(8));
                    assertThat(opener.openRtp(p, 0, header, length, ssrc, index)).as("byte %d changed", at).isFalse();
                    tampered++;
                }
                // the same packet under the neighbouring index (other ROC or SEQ in the IV) is refused as well
                byte[] p = sealed[0].clone();
                assertThat(t[0].openRtp(p, 0, header, length, ssrc, index + 1)).isFalse();
            }
            assertThat(tampered).isEqualTo(600 * BACKENDS.length);
        } finally {
            for (SrtpTransform x : t) {
                x.close();
            }
        }
    }

    /** Fixed header, CSRCs and the extension (RFC 3550 §5.1, §5.3.1): what RFC 7714 §8 authenticates as AAD. */
    private static int headerLength(byte[] p) {
        int header = 12 + 4 * (p[0] & 0x0F);
        if ((p[0] & 0x10) != 0) {
            header += 4 + 4 * (((p[header + 2] & 0xFF) << 8) | (p[header + 3] & 0xFF));
        }
        return header;
    }
}
