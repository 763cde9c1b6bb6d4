package io.mediaplane.crypto;

import io.mediaplane.ffi.MediaplaneNative;
import io.mediaplane.ffi.Sodium;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * XChaCha20-Poly1305 (IETF) through libsodium's {@code crypto_aead_xchacha20poly1305_ietf_*}, in place, through
 * critical FFM calls. libsodium derives the HChaCha20 subkey inside each call.
 */
final class SodiumXChaChaEngine extends AeadEngine {
    private final Arena arena = Arena.ofShared();
    private final MemorySegment key;
    private final MemorySegment sealNonce;
    private final MemorySegment openNonce;
    private final MemorySegment encrypt = Sodium.xchacha20Poly1305EncryptFunction();
    private final MemorySegment decrypt = Sodium.xchacha20Poly1305DecryptFunction();

    SodiumXChaChaEngine(byte[] keyBytes) {
        key = arena.allocate(DiscordAeadMode.KEY_LENGTH);
        MemorySegment.copy(keyBytes, 0, key, ValueLayout.JAVA_BYTE, 0, DiscordAeadMode.KEY_LENGTH);
        sealNonce = arena.allocate(Sodium.XCHACHA_NONCE_BYTES);
        openNonce = arena.allocate(Sodium.XCHACHA_NONCE_BYTES);
    }

    @Override
    AeadBackend backend() {
        return AeadBackend.SODIUM;
    }

    @Override
    void seal(MemorySegment s, long offset, int aadLength, int dataLength, int counter) {
        sealNonce.set(SodiumAesGcmEngine.U32_BE, 0, counter);
        if (trampoline) {
            MediaplaneNative.sodiumAeadSeal(encrypt, s, offset, aadLength, dataLength, sealNonce, key);
            return;
        }
        MemorySegment data = s.asSlice(offset + aadLength);
        Sodium.xchacha20Poly1305Encrypt(data, data, dataLength, s.asSlice(offset), aadLength, sealNonce, key);
    }

    @Override
    boolean open(MemorySegment s, long offset, int aadLength, int dataLength, int counter) {
        openNonce.set(SodiumAesGcmEngine.U32_BE, 0, counter);
        if (trampoline) {
            return MediaplaneNative.sodiumAeadOpen(decrypt, s, offset, aadLength, dataLength, openNonce, key) == 0;
        }
        MemorySegment data = s.asSlice(offset + aadLength);
        return Sodium.xchacha20Poly1305Decrypt(data, data, dataLength + TAG, s.asSlice(offset), aadLength,
                openNonce, key) == 0;
    }

    @Override
    public void close() {
        key.fill((byte) 0);
        arena.close();
    }
}
