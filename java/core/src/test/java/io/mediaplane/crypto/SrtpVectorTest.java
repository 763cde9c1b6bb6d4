package io.mediaplane.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediaplane.buffer.Bytes;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Known-answer vectors, every backend:
 * <ul>
 *   <li>RFC 3711 Appendix B.3 (key derivation) and B.2 (AES-CM keystream);</li>
 *   <li>RFC 7714 §16 (SRTP) and §17 (SRTCP, encrypted and authenticated-only), AES-128-GCM and AES-256-GCM,
 *       with the session key and salt the RFC gives (no KDF);</li>
 *   <li>libsrtp2's own self-test ({@code srtp_validate} in libsrtp's test/srtp_driver.c): AES_CM_128_HMAC_SHA1_80
 *       SRTP and SRTCP through the KDF with the RFC 3711 B.3 master key;</li>
 *   <li>packets protected by libsrtp2 2.5.0 (Debian libsrtp2-1) with {@code srtp_protect}, produced by the
 *       small C driver in {@code src/test/c/srtp-vectors.c} ({@link Libsrtp2VectorTest} regenerates more at
 *       test time when the headers are installed).</li>
 * </ul>
 */
class SrtpVectorTest {
    static byte[] hex(String s) {
        return Bytes.fromHex(s.replaceAll("\\s", ""));
    }

    static byte[] seal(SrtpContext c, byte[] plain, boolean rtcp) {
        byte[] buf = Arrays.copyOf(plain, plain.length + c.maxOverhead());
        MemorySegment s = MemorySegment.ofArray(buf);
        int n = rtcp ? c.sealRtcp(s, 0, plain.length, buf.length) : c.sealRtp(s, 0, plain.length, buf.length);
        assertThat(n).as("seal status %s", CipherStatus.ofResult(n)).isPositive();
        return Arrays.copyOf(buf, n);
    }

    static byte[] open(SrtpContext c, byte[] packet, boolean rtcp) {
        byte[] buf = packet.clone();
        MemorySegment s = MemorySegment.ofArray(buf);
        int n = rtcp ? c.openRtcp(s, 0, buf.length) : c.openRtp(s, 0, buf.length);
        assertThat(CipherStatus.ofResult(n)).isEqualTo(CipherStatus.OK);
        return Arrays.copyOf(buf, n);
    }

    // RFC 3711 B.3
    private static final byte[] B3_KEY = hex("E1F97A0D3E018BE0D64FA32C06DE4139");
    private static final byte[] B3_SALT = hex("0EC675AD498AFEEBB6960B3AABE6");

    @Test
    void rfc3711KeyDerivation() {
        assertThat(SrtpKdf.derive(B3_KEY, B3_SALT, SrtpKdf.LABEL_RTP_ENCRYPTION, 16))
                .isEqualTo(hex("C61E7A93744F39EE10734AFE3FF7A087"));
        assertThat(SrtpKdf.derive(B3_KEY, B3_SALT, SrtpKdf.LABEL_RTP_SALT, 14))
                .isEqualTo(hex("30CBBC08863D8C85D49DB34A9AE1"));
        assertThat(SrtpKdf.derive(B3_KEY, B3_SALT, SrtpKdf.LABEL_RTP_AUTH, 94)).isEqualTo(hex("""
                CEBE321F6FF7716B6FD4AB49AF256A156D38BAA48F0A0ACF3C34E2359E6CDBCE
                E049646C43D9327AD175578EF72270986371C10C9A369AC2F94A8C5FBCDDDC25
                6D6E919A48B610EF17C2041E474035766B68642C59BBFC2F34DB60DBDFB2"""));
    }

    @Test
    void rfc6188Aes256KeyDerivation() {
        byte[] key = hex("F0F04914B513F2763A1B1FA130F10E2998F6F6E43E4309D1E622A0E332B9F1B6");
        byte[] salt = hex("3B04803DE51EE7C96423AB5B78D2");
        assertThat(SrtpKdf.derive(key, salt, SrtpKdf.LABEL_RTP_ENCRYPTION, 32))
                .isEqualTo(hex("5BA1064E30EC51613CAD926C5A28EF731EC7FB397F70A960653CAF06554CD8C4"));
        assertThat(SrtpKdf.derive(key, salt, SrtpKdf.LABEL_RTP_SALT, 14)).isEqualTo(hex("FA31791685CA444A9E07C6C64E93"));
    }

    @Test
    void rfc3711AesCmKeystream() {
        try (JceSrtpCmTransform t = new JceSrtpCmTransform(hex("2B7E151628AED2A6ABF7158809CF4F3C"),
                hex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD"), new byte[20], 10)) {
            byte[] ks = new byte[0xFF02 * 16];
            t.keystream(0, 0, ks);
            assertThat(Arrays.copyOf(ks, 48)).isEqualTo(hex("""
                    E03EAD0935C95E80E166B16DD92B4EB4 D23513162B02D0F72A43A2FE4A5F97AB
                    41E95B3BB0A2E8DD477901E4FCA894C0"""));
            assertThat(Arrays.copyOfRange(ks, 0xFEFF * 16, 0xFF02 * 16)).isEqualTo(hex("""
                    EC8CDF7398607CB0F2D21675EA9EA1E4 362B7C3C6773516318A077D7FC5073AE
                    6A2CC3787889374FBEB4C81B17BA6C44"""));
        }
    }

    // RFC 7714 §16/§17: session key/salt given directly
    private static final byte[] GCM_KEY_128 = hex("000102030405060708090a0b0c0d0e0f");
    private static final byte[] GCM_KEY_256 = hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    private static final byte[] GCM_SALT = hex("517569642070726f2071756f"); // "Quid pro quo"
    private static final byte[] RFC7714_RTP = hex("""
            8040f17b 8041f8d3 5501a0b2 47616c6c 69612065 7374206f 6d6e6973 20646976
            69736120 696e2070 61727465 73207472 6573""");
    private static final byte[] RFC7714_RTCP = hex("""
            81c8000d 4d617273 4e545031 4e545032 52545020 0000042a 0000e930 4c756e61
            deadbeef deadbeef deadbeef deadbeef deadbeef""");

    private static SrtpContext gcm(SrtpBackend b, boolean aes256, boolean rtcpEncryption) {
        return SrtpContext.withSessionKeys(aes256 ? SrtpProfile.AEAD_AES_256_GCM : SrtpProfile.AEAD_AES_128_GCM, b,
                aes256 ? GCM_KEY_256 : GCM_KEY_128, GCM_SALT, null, rtcpEncryption);
    }

    // RFC 7714's packet vectors give session keys; libsrtp2 takes only master keys, so they run on JCE, and
    // libsrtp2's GCM is checked against JCE by the libsrtp2 vectors below and in Libsrtp2VectorTest.
    @ParameterizedTest
    @EnumSource(value = SrtpBackend.class, names = {"JCE", "OPENSSL", "GCRYPT"})
    void rfc7714Srtp128(SrtpBackend b) {
        byte[] want = hex("""
                8040f17b 8041f8d3 5501a0b2 f24de3a3 fb34de6c acba861c 9d7e4bca be633bd5 0d294e6f 42a5f47a
                51c7d19b 36de3adf 8833899d 7f27beb1 6a9152cf 765ee439 0cce""");
        try (SrtpContext tx = gcm(b, false, true); SrtpContext rx = gcm(b, false, true)) {
            assertThat(seal(tx, RFC7714_RTP, false)).isEqualTo(want);
            assertThat(open(rx, want, false)).isEqualTo(RFC7714_RTP);
        }
    }

    @ParameterizedTest
    @EnumSource(value = SrtpBackend.class, names = {"JCE", "OPENSSL", "GCRYPT"})
    void rfc7714Srtp256(SrtpBackend b) {
        byte[] want = hex("""
                8040f17b 8041f8d3 5501a0b2 32b1de78 a822fe12 ef9f78fa 332e33aa b1801238 9a58e2f3 b50b2a02
                76ffae0f 1ba63799 b87b7aa3 db36dfff d6b0f9bb 7878d7a7 6c13""");
        try (SrtpContext tx = gcm(b, true, true); SrtpContext rx = gcm(b, true, true)) {
            assertThat(seal(tx, RFC7714_RTP, false)).isEqualTo(want);
            assertThat(open(rx, want, false)).isEqualTo(RFC7714_RTP);
        }
    }

    @ParameterizedTest
    @EnumSource(value = SrtpBackend.class, names = {"JCE", "OPENSSL", "GCRYPT"})
    void rfc7714Srtcp(SrtpBackend b) {
        int ssrc = 0x4d617273;
        byte[] enc128 = hex("""
                81c8000d 4d617273 63e94885 dcdab67c a727d766 2f6b7e99 7ff5c0f7 6c06f32d c676a5f1 730d6fda
                4ce09b46 86303ded 0bb9275b c84aa458 96cf4d2f c5abf872 45d9eade 800005d4""");
        byte[] enc256 = hex("""
                81c8000d 4d617273 d50ae4d1 f5ce5d30 4ba297e4 7d470c28 2c3ece5d bffe0a50 a2eaa5c1 110555be
                8415f658 c61de047 6f1b6fad 1d1eb30c 4446839f 57ff6f6c b26ac3be 800005d4""");
        byte[] auth128 = hex("""
                81c8000d 4d617273 4e545031 4e545032 52545020 0000042a 0000e930 4c756e61 deadbeef deadbeef
                deadbeef deadbeef deadbeef 841dd968 3dd78ec9 2ae58790 125f62b3 000005d4""");
        byte[] auth256 = hex("""
                81c8000d 4d617273 4e545031 4e545032 52545020 0000042a 0000e930 4c756e61 deadbeef deadbeef
                deadbeef deadbeef deadbeef 91db4afb feee5a97 8fab4393 ed2615fe 000005d4""");
        for (boolean aes256 : new boolean[] {false, true}) {
            for (boolean encrypt : new boolean[] {true, false}) {
                byte[] want = aes256 ? (encrypt ? enc256 : auth256) : (encrypt ? enc128 : auth128);
                try (SrtpContext tx = gcm(b, aes256, encrypt); SrtpContext rx = gcm(b, aes256, encrypt);
                        SrtpContext strict = gcm(b, aes256, true)) {
                    tx.lastRtcpIndex(ssrc, 0x5d3);
                    assertThat(seal(tx, RFC7714_RTCP, true)).as("256 %s E %s", aes256, encrypt).isEqualTo(want);
                    assertThat(open(rx, want, true)).isEqualTo(RFC7714_RTCP);
                    if (!encrypt) { // a receiver that requires encryption refuses E = 0
                        byte[] p = want.clone();
                        assertThat(CipherStatus.ofResult(strict.openRtcp(MemorySegment.ofArray(p), 0, p.length)))
                                .isEqualTo(CipherStatus.NOT_ENCRYPTED);
                    }
                }
            }
        }
    }

    // libsrtp's srtp_validate(): RFC 3711 B.3 master key, AES_CM_128_HMAC_SHA1_80
    private static final byte[] B3_MASTER = hex("E1F97A0D3E018BE0D64FA32C06DE4139 0EC675AD498AFEEBB6960B3AABE6");

    @ParameterizedTest
    @EnumSource(SrtpBackend.class)
    void libsrtpSelfTestVectors(SrtpBackend b) {
        byte[] rtp = hex("800f1234 decafbad cafebabe abababab abababab abababab abababab");
        byte[] srtp = hex("800f1234 decafbad cafebabe 4e55dc4c e79978d8 8ca4d215 949d2402 b78d6acc 99ea179b 8dbb");
        byte[] rtcp = hex("81c8000b cafebabe abababab abababab abababab abababab");
        byte[] srtcp = hex("""
                81c8000b cafebabe 7128035b e487b9bd bef89041 f977a5a8 80000001 993e08cd 54d6c123 0798""");
        SrtpProfile p = SrtpProfile.AES_CM_128_HMAC_SHA1_80;
        try (SrtpContext tx = SrtpContext.builder(p, B3_MASTER, B3_MASTER).backend(b).build();
                SrtpContext rx = SrtpContext.builder(p, B3_MASTER, B3_MASTER).backend(b).build()) {
            assertThat(seal(tx, rtp, false)).isEqualTo(srtp);
            assertThat(seal(tx, rtcp, true)).isEqualTo(srtcp); // first SRTCP index is 1, as libsrtp
            assertThat(open(rx, srtp, false)).isEqualTo(rtp);
            assertThat(open(rx, srtcp, true)).isEqualTo(rtcp);
        }
    }

    /** Produced with libsrtp2 2.5.0 by src/test/c/srtp-vectors.c (the invocations are in the comments). */
    @ParameterizedTest
    @EnumSource(SrtpBackend.class)
    void libsrtp2Vectors(SrtpBackend b) {
        byte[] rtp = hex("80601234000003e8deadbeef0102030405060708090a");
        // srtp-vectors cm80 000102...1d 80601234000003e8deadbeef0102030405060708090a
        byte[] cm80 = hex("80601234000003e8deadbeef6ea7671f1bea61c01b435118408e027ca5ded9e3");
        // srtp-vectors gcm128 000102...1b 80601234000003e8deadbeef0102030405060708090a
        byte[] gcm128 = hex("80601234000003e8deadbeef27dd0d307b59bc87debbab25520fce035a7c996a8e35b3a3fa2c");
        for (SrtpProfile p : new SrtpProfile[] {SrtpProfile.AES_CM_128_HMAC_SHA1_80, SrtpProfile.AEAD_AES_128_GCM}) {
            byte[] master = new byte[p.masterLength()];
            for (int i = 0; i < master.length; i++) {
                master[i] = (byte) i;
            }
            byte[] want = p.aead() ? gcm128 : cm80;
            try (SrtpContext tx = SrtpContext.builder(p, master, master).backend(b).build();
                    SrtpContext rx = SrtpContext.builder(p, master, master).backend(b).build()) {
                assertThat(seal(tx, rtp, false)).as("%s", p).isEqualTo(want);
                assertThat(open(rx, want, false)).isEqualTo(rtp);
            }
        }
    }
}
