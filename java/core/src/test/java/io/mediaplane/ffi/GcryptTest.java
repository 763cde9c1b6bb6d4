package io.mediaplane.ffi;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * The libgcrypt binding: initialised once, GCM through the direct calls and through libmediaplane's
 * {@code mp_gcry_gcm_seal/open} agreeing with JCE's AES/GCM, a wrong tag reported as {@code GPG_ERR_CHECKSUM} /
 * -1, and a missing library named with its Debian package.
 */
class GcryptTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void loadsInitialisedWithItsVersion() {
        assertThat(Gcrypt.library().unavailableReason()).isEmpty();
        assertThat(Gcrypt.library().version().orElseThrow()).matches("1\\.(8|9|\\d\\d+)\\.\\d+.*");
        assertThat(MediaplaneNative.gcryGcmUnavailableReason()).isEmpty();
    }

    @Test
    void aMissingLibraryNamesItsDebianPackage() {
        LibrarySpec absent = new LibrarySpec(Gcrypt.SPEC.id(), Gcrypt.SPEC.displayName(),
                List.of("libgcrypt.so.0-absent"), null, Gcrypt.SPEC.debianPackage(), Gcrypt.SPEC.probeSymbol(),
                Gcrypt.SPEC.version());
        NativeLibrary lib = NativeLibrary.load(absent).binder().finishAndInit(() -> {
            throw new AssertionError("initialisation must not run without the library");
        });
        assertThat(lib.unavailableReason().orElseThrow())
                .startsWith("libgcrypt not found (install the Debian package libgcrypt20)");
    }

    @Test
    void gcmDirectAndThroughLibmediaplaneMatchesJce() throws Exception {
        byte[] key = HEX.parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
        byte[] iv = HEX.parseHex("cafebabefacedbaddecaf888");
        for (int keyLength : new int[] {16, 32}) {
            for (int dataLength : new int[] {0, 1, 15, 16, 17, 1184}) {
                int aad = 12 + (dataLength % 5) * 4;
                byte[] packet = new byte[aad + dataLength + 16];
                for (int i = 0; i < aad + dataLength; i++) {
                    packet[i] = (byte) (i * 31 + dataLength);
                }
                Cipher jce = Cipher.getInstance("AES/GCM/NoPadding");
                jce.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, 0, keyLength, "AES"), new GCMParameterSpec(128, iv));
                jce.updateAAD(packet, 0, aad);
                byte[] want = Arrays.copyOf(packet, aad);
                want = concat(want, jce.doFinal(packet, aad, dataLength));

                try (Arena a = Arena.ofConfined(); Handle h = new Handle(a, Arrays.copyOf(key, keyLength))) {
                    MemorySegment ivs = a.allocateFrom(ValueLayout.JAVA_BYTE, iv);
                    // direct calls, as mp_gcry_gcm_seal makes them
                    MemorySegment s = a.allocate(packet.length);
                    MemorySegment.copy(packet, 0, s, ValueLayout.JAVA_BYTE, 0, packet.length);
                    assertThat(Gcrypt.cipherSetIv(h.handle, ivs, 12)).isZero();
                    assertThat(Gcrypt.cipherAuthenticate(h.handle, s, aad)).isZero();
                    assertThat(Gcrypt.cipherCtl(h.handle, Gcrypt.CTL_FINALIZE)).isZero();
                    assertThat(Gcrypt.cipherEncrypt(h.handle, s.asSlice(aad), dataLength)).isZero();
                    assertThat(Gcrypt.cipherGetTag(h.handle, s.asSlice(aad + dataLength), 16)).isZero();
                    assertThat(s.toArray(ValueLayout.JAVA_BYTE)).isEqualTo(want);
                    // open directly, then with one tag bit changed
                    assertThat(Gcrypt.cipherSetIv(h.handle, ivs, 12)).isZero();
                    assertThat(Gcrypt.cipherAuthenticate(h.handle, s, aad)).isZero();
                    assertThat(Gcrypt.cipherCtl(h.handle, Gcrypt.CTL_FINALIZE)).isZero();
                    assertThat(Gcrypt.cipherDecrypt(h.handle, s.asSlice(aad), dataLength)).isZero();
                    assertThat(Gcrypt.cipherCheckTag(h.handle, s.asSlice(aad + dataLength), 16)).isZero();
                    assertThat(Arrays.copyOf(s.toArray(ValueLayout.JAVA_BYTE), aad + dataLength))
                            .isEqualTo(Arrays.copyOf(packet, aad + dataLength));

                    // libmediaplane, on a heap array at an offset
                    byte[] heap = new byte[7 + packet.length];
                    System.arraycopy(packet, 0, heap, 7, packet.length);
                    MemorySegment hs = MemorySegment.ofArray(heap);
                    assertThat(MediaplaneNative.gcryGcmSeal(Gcrypt.gcmFunctions(), h.handle, ivs, hs, 7, aad,
                            dataLength)).isZero();
                    assertThat(Arrays.copyOfRange(heap, 7, heap.length)).isEqualTo(want);
                    byte[] bad = heap.clone();
                    bad[bad.length - 1] ^= 1;
                    assertThat(MediaplaneNative.gcryGcmOpen(Gcrypt.gcmFunctions(), h.handle, ivs,
                            MemorySegment.ofArray(bad), 7, aad, dataLength)).isEqualTo(-1);
                    assertThat(MediaplaneNative.gcryGcmOpen(Gcrypt.gcmFunctions(), h.handle, ivs, hs, 7, aad,
                            dataLength)).isZero();
                    assertThat(Arrays.copyOfRange(heap, 7, 7 + aad + dataLength))
                            .isEqualTo(Arrays.copyOf(packet, aad + dataLength));
                    // and the direct checktag's code for that wrong tag
                    MemorySegment.copy(bad, 7, s, ValueLayout.JAVA_BYTE, 0, packet.length);
                    assertThat(Gcrypt.cipherSetIv(h.handle, ivs, 12)).isZero();
                    assertThat(Gcrypt.cipherAuthenticate(h.handle, s, aad)).isZero();
                    assertThat(Gcrypt.cipherCtl(h.handle, Gcrypt.CTL_FINALIZE)).isZero();
                    assertThat(Gcrypt.cipherDecrypt(h.handle, s.asSlice(aad), dataLength)).isZero();
                    assertThat(Gcrypt.errorCode(Gcrypt.cipherCheckTag(h.handle, s.asSlice(aad + dataLength), 16)))
                            .isEqualTo(Gcrypt.ERR_CHECKSUM);
                }
            }
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** One GCM handle with a key set, closed with the test's arena. */
    private static final class Handle implements AutoCloseable {
        final MemorySegment handle;

        Handle(Arena a, byte[] key) {
            MemorySegment out = a.allocate(ValueLayout.ADDRESS);
            assertThat(Gcrypt.cipherOpen(out, key.length == 16 ? Gcrypt.CIPHER_AES128 : Gcrypt.CIPHER_AES256,
                    Gcrypt.MODE_GCM)).isZero();
            handle = out.get(ValueLayout.ADDRESS, 0);
            assertThat(Gcrypt.cipherSetKey(handle, a.allocateFrom(ValueLayout.JAVA_BYTE, key), key.length)).isZero();
        }

        @Override
        public void close() {
            Gcrypt.cipherClose(handle);
        }
    }
}
