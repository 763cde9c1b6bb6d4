package io.mediaplane.crypto;

import io.mediaplane.ffi.MediaplaneNative;
import io.mediaplane.ffi.Sodium;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * AES-256-GCM through libsodium with the key expanded once ({@code crypto_aead_aes256gcm_beforenm}) and every
 * packet sealed or opened with {@code _afternm}, in place, through critical FFM calls (heap or native packets).
 */
final class SodiumAesGcmEngine extends AeadEngine {
    static final ValueLayout.OfInt U32_BE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final Arena arena = Arena.ofShared();
    private final MemorySegment state;
    private final MemorySegment sealNonce;
    private final MemorySegment openNonce;
    private final MemorySegment encrypt = Sodium.aes256GcmEncryptAfternmFunction();
    private final MemorySegment decrypt = Sodium.aes256GcmDecryptAfternmFunction();

    SodiumAesGcmEngine(byte[] key) {
        long stateBytes = Sodium.aes256GcmStateBytes();
        state = arena.allocate(stateBytes, Sodium.AES256GCM_STATE_ALIGNMENT);
        sealNonce = arena.allocate(Sodium.AES256GCM_NONCE_BYTES);
        openNonce = arena.allocate(Sodium.AES256GCM_NONCE_BYTES);
        MemorySegment k = arena.allocate(DiscordAeadMode.KEY_LENGTH);
        MemorySegment.copy(key, 0, k, ValueLayout.JAVA_BYTE, 0, DiscordAeadMode.KEY_LENGTH);
        int rc = Sodium.aes256GcmBeforenm(state, k);
        k.fill((byte) 0);
        if (rc != 0) {
            arena.close();
            throw new IllegalStateException("crypto_aead_aes256gcm_beforenm returned " + rc);
        }
    }

    @Override
    AeadBackend backend() {
        return AeadBackend.SODIUM;
    }

    @Override
    void seal(MemorySegment s, long offset, int aadLength, int dataLength, int counter) {
        sealNonce.set(U32_BE, 0, counter);
        if (trampoline) {
            MediaplaneNative.sodiumAeadSeal(encrypt, s, offset, aadLength, dataLength, sealNonce, state);
            return;
        }
        MemorySegment data = s.asSlice(offset + aadLength);
        Sodium.aes256GcmEncryptAfternm(data, data, dataLength, s.asSlice(offset), aadLength, sealNonce, state);
    }

    @Override
    boolean open(MemorySegment s, long offset, int aadLength, int dataLength, int counter) {
        openNonce.set(U32_BE, 0, counter);
        if (trampoline) {
            return MediaplaneNative.sodiumAeadOpen(decrypt, s, offset, aadLength, dataLength, openNonce, state) == 0;
        }
        MemorySegment data = s.asSlice(offset + aadLength);
        return Sodium.aes256GcmDecryptAfternm(data, data, dataLength + TAG, s.asSlice(offset), aadLength,
                openNonce, state) == 0;
    }

    @Override
    public void close() {
        state.fill((byte) 0);
        arena.close();
    }
}
