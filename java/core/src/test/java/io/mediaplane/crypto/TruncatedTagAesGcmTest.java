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

    /**
     * Scattered additional data and data sections (odd lengths, so GCM's partial blocks carry across sections) seal
     * to what the joined message seals to, land at their output offsets, and open back; a flipped bit in any range
     * is refused.
     */
    @ParameterizedTest
    @EnumSource(TruncatedTagAesGcm.Backend.class)
    void scatteredSectionsSealAsTheJoinedMessage(TruncatedTagAesGcm.Backend backend) {
        Random random = new Random(77);
        for (int round = 0; round < 40; round++) {
            byte[] key = bytes(random, 16);
            byte[] iv = bytes(random, 12);
            byte[] frame = bytes(random, 4000);
            TruncatedTagAesGcm.Sections sections = new TruncatedTagAesGcm.Sections(16);
            java.io.ByteArrayOutputStream joinedAad = new java.io.ByteArrayOutputStream();
            java.io.ByteArrayOutputStream joinedData = new java.io.ByteArrayOutputStream();
            int at = 0;
            for (int i = 0; i < 1 + round % 6; i++) { // alternating clear (additional data) and encrypted ranges
                int clear = random.nextInt(9);
                int data = 1 + random.nextInt(300);
                sections.aad(at, clear);
                joinedAad.write(frame, at, clear);
                sections.data(at + clear, at + clear, data);
                joinedData.write(frame, at + clear, data);
                at += clear + data;
            }
            byte[] aad = joinedAad.toByteArray();
            byte[] plain = joinedData.toByteArray();
            // two instances: BouncyCastle refuses a second encryption under the same IV on one instance
            try (TruncatedTagAesGcm joined = TruncatedTagAesGcm.create(key, backend);
                    TruncatedTagAesGcm gcm = TruncatedTagAesGcm.create(key, backend)) {
                byte[] expected = new byte[plain.length];
                byte[] expectedTag = new byte[8];
                joined.seal(iv, aad, aad.length, plain, 0, plain.length, expected, 0, expectedTag, 0);

                byte[] sealed = frame.clone();
                byte[] tag = new byte[8];
                gcm.seal(iv, frame, frame, sealed, sections, tag, 0);
                assertThat(tag).isEqualTo(expectedTag);
                java.io.ByteArrayOutputStream ciphertext = new java.io.ByteArrayOutputStream();
                for (int i = 0; i < sections.count; i++) {
                    ciphertext.write(sealed, sections.outOffset[i], sections.length[i]);
                }
                assertThat(ciphertext.toByteArray()).isEqualTo(expected);

                byte[] opened = new byte[frame.length];
                assertThat(gcm.open(iv, sealed, sealed, opened, sections, tag, 0)).isTrue();
                for (int i = 0; i < sections.count; i++) {
                    assertThat(Arrays.copyOfRange(opened, sections.outOffset[i],
                            sections.outOffset[i] + sections.length[i]))
                            .isEqualTo(Arrays.copyOfRange(frame, sections.inOffset[i],
                                    sections.inOffset[i] + sections.length[i]));
                }
                sealed[random.nextInt(at)] ^= 0x10; // every byte before at is in a range or a section
                assertThat(gcm.open(iv, sealed, sealed, opened, sections, tag, 0)).isFalse();
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
