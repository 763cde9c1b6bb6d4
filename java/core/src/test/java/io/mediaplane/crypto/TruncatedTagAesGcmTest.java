package io.mediaplane.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * AES-128-GCM with 8-byte tags: each backend's ciphertext equals JCE's and its tag is the leftmost 8 bytes of JCE's
 * full 16-byte tag (SP 800-38D §7.1 MSB_t truncation; JCE itself refuses 64-bit tags); every flipped bit of tag,
 * ciphertext or additional data is refused.
 */
class TruncatedTagAesGcmTest {
    @ParameterizedTest
    @EnumSource(TruncatedTagAesGcm.Backend.class)
    void matchesJceWithTheTagTruncated(TruncatedTagAesGcm.Backend backend) throws Exception {
        Random random = new Random(20261121);
        for (int round = 0; round < 60; round++) {
            byte[] key = bytes(random, 16);
            byte[] iv = new byte[12];
            for (int i = 8; i < 12; i++) {
                iv[i] = (byte) random.nextInt(); // DAVE's IV: 8 zero bytes, then the truncated nonce
            }
            byte[] aad = bytes(random, round % 7 == 0 ? 0 : random.nextInt(40));
            byte[] plain = bytes(random, round * 37 % 3000);
            Cipher jce = Cipher.getInstance("AES/GCM/NoPadding");
            jce.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
            jce.updateAAD(aad);
            byte[] full = jce.doFinal(plain);

            try (TruncatedTagAesGcm gcm = TruncatedTagAesGcm.create(key, backend)) {
                assertThat(gcm.backend()).isEqualTo(backend);
                byte[] ct = new byte[plain.length + 3];
                byte[] tag = new byte[10];
                gcm.seal(iv, aad, aad.length, plain, 0, plain.length, ct, 3, tag, 2);
                assertThat(Arrays.copyOfRange(ct, 3, ct.length)).isEqualTo(Arrays.copyOf(full, plain.length));
                assertThat(Arrays.copyOfRange(tag, 2, 10)).isEqualTo(Arrays.copyOfRange(full, plain.length,
                        plain.length + 8));

                byte[] back = new byte[plain.length];
                assertThat(gcm.open(iv, aad, aad.length, ct, 3, plain.length, back, 0, tag, 2)).isTrue();
                assertThat(back).isEqualTo(plain);

                byte[] badTag = tag.clone();
                badTag[2 + round % 8] ^= (byte) (1 << (round % 8));
                assertThat(gcm.open(iv, aad, aad.length, ct, 3, plain.length, back, 0, badTag, 2)).isFalse();
                if (plain.length > 0) {
                    byte[] badCt = ct.clone();
                    badCt[3 + round % plain.length] ^= 0x01;
                    assertThat(gcm.open(iv, aad, aad.length, badCt, 3, plain.length, back, 0, tag, 2)).isFalse();
                }
                if (aad.length > 0) {
                    byte[] badAad = aad.clone();
                    badAad[round % aad.length] ^= (byte) 0x80;
                    assertThat(gcm.open(iv, badAad, aad.length, ct, 3, plain.length, back, 0, tag, 2)).isFalse();
                }
            }
            // in place (a fresh instance: BouncyCastle refuses to seal twice under one key and IV)
            try (TruncatedTagAesGcm gcm = TruncatedTagAesGcm.create(key, backend)) {
                byte[] inPlace = Arrays.copyOf(plain, plain.length);
                gcm.seal(iv, aad, aad.length, inPlace, 0, inPlace.length, inPlace, 0, new byte[8], 0);
                assertThat(inPlace).isEqualTo(Arrays.copyOf(full, plain.length));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(TruncatedTagAesGcm.Backend.class)
    void refusesOtherKeyLengths(TruncatedTagAesGcm.Backend backend) {
        assertThatThrownBy(() -> TruncatedTagAesGcm.create(new byte[32], backend))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] bytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
