package io.mediaplane.crypto;

import io.mediaplane.ffi.LibCrypto;
import io.mediaplane.ffi.NativeAccess;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Locale;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * AES-128-GCM with the tag truncated to 8 bytes (NIST SP 800-38D §5.2.1.2 allows 64-bit tags), as DAVE media
 * frames carry it. SunJCE refuses tags shorter than 96 bits, so this runs on OpenSSL EVP through FFM (the tag
 * length is the {@code EVP_CTRL_AEAD_GET_TAG}/{@code SET_TAG} argument) or on BouncyCastle's {@code GCMBlockCipher}
 * with a 64-bit MAC size. Both produce the same bytes (the truncated tag is the leftmost 8 bytes of the full one).
 *
 * <p>One instance holds one key and is used by one thread at a time; {@link #close()} frees the native contexts.
 * Buffers are heap arrays: DAVE gathers a frame's clear and encrypted ranges into contiguous scratch arrays first.
 */
public abstract sealed class TruncatedTagAesGcm implements AutoCloseable {
    public static final int KEY_LENGTH = 16;
    public static final int IV_LENGTH = 12;
    public static final int TAG_LENGTH = 8;
    /** {@code -Dmediaplane.crypto.dave.backend=openssl|bouncycastle}; default OpenSSL when it can be loaded. */
    public static final String PROPERTY = "mediaplane.crypto.dave.backend";

    /** The implementations; both pass the same tests. */
    public enum Backend {
        OPENSSL("openssl"),
        BOUNCY_CASTLE("bouncycastle");

        private final String id;

        Backend(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        public boolean isAvailable() {
            return this == BOUNCY_CASTLE || (NativeAccess.allowed() && LibCrypto.library().isAvailable());
        }

        public static Backend of(String name) {
            String n = name.strip().toLowerCase(Locale.ROOT);
            for (Backend b : values()) {
                if (b.id.equals(n) || (b == BOUNCY_CASTLE && n.equals("bc"))) {
                    return b;
                }
            }
            throw new IllegalArgumentException("unknown DAVE frame cipher backend '" + name
                    + "': expected openssl or bouncycastle");
        }
    }

    /** The backend {@link #create(byte[])} uses: the property if set (an error when it cannot run), else OpenSSL if available. */
    public static Backend defaultBackend() {
        String forced = System.getProperty(PROPERTY);
        if (forced != null && !forced.isBlank()) {
            Backend b = Backend.of(forced);
            if (!b.isAvailable()) {
                throw new IllegalStateException(PROPERTY + "=" + forced + " but " + b.id() + " cannot be loaded here");
            }
            return b;
        }
        return Backend.OPENSSL.isAvailable() ? Backend.OPENSSL : Backend.BOUNCY_CASTLE;
    }

    public static TruncatedTagAesGcm create(byte[] key) {
        return create(key, defaultBackend());
    }

    public static TruncatedTagAesGcm create(byte[] key, Backend backend) {
        if (key.length != KEY_LENGTH) {
            throw new IllegalArgumentException("AES-128 key must be 16 bytes, got " + key.length);
        }
        return switch (backend) {
            case OPENSSL -> new OpenSsl(key);
            case BOUNCY_CASTLE -> new BouncyCastle(key);
        };
    }

    TruncatedTagAesGcm() {}

    public abstract Backend backend();

    /**
     * Encrypts {@code length} bytes of {@code in} at {@code inOffset} into {@code out} at {@code outOffset} (may be
     * the same range), authenticating {@code aadLength} bytes of {@code aad}, and writes the 8-byte tag to
     * {@code tag} at {@code tagOffset}.
     */
    public abstract void seal(byte[] iv, byte[] aad, int aadLength, byte[] in, int inOffset, int length, byte[] out,
            int outOffset, byte[] tag, int tagOffset);

    /**
     * Decrypts and verifies; {@code false} when the tag does not match (the output then holds unauthenticated
     * bytes the caller must discard).
     */
    public abstract boolean open(byte[] iv, byte[] aad, int aadLength, byte[] in, int inOffset, int length,
            byte[] out, int outOffset, byte[] tag, int tagOffset);

    /**
     * Where one GCM message's additional data and text lie when they are scattered over a frame (DAVE interleaves
     * clear and encrypted ranges): additional-data ranges of one array, and data sections, each read at
     * {@code inOffset} of the input and written at {@code outOffset} of the output. The message is the ranges and
     * the sections, each joined in order. Reused from frame to frame; not thread-safe.
     */
    public static final class Sections {
        int[] aadOffset;
        int[] aadLength;
        int aadCount;
        int[] inOffset;
        int[] outOffset;
        int[] length;
        int count;

        public Sections(int capacity) {
            aadOffset = new int[capacity];
            aadLength = new int[capacity];
            inOffset = new int[capacity];
            outOffset = new int[capacity];
            length = new int[capacity];
        }

        public void clear() {
            aadCount = 0;
            count = 0;
        }

        /** Adds an additional-data range; false when the capacity is reached. */
        public boolean aad(int offset, int length) {
            if (length <= 0) {
                return true;
            }
            if (aadCount == aadOffset.length) {
                return false;
            }
            aadOffset[aadCount] = offset;
            aadLength[aadCount] = length;
            aadCount++;
            return true;
        }

        /**
         * Adds a data section (joined to the previous one when it continues it on both sides); false when the
         * capacity is reached.
         */
        public boolean data(int inOffset, int outOffset, int length) {
            if (length <= 0) {
                return true;
            }
            int last = count - 1;
            if (last >= 0 && this.inOffset[last] + this.length[last] == inOffset
                    && this.outOffset[last] + this.length[last] == outOffset) {
                this.length[last] += length;
                return true;
            }
            if (count == this.inOffset.length) {
                return false;
            }
            this.inOffset[count] = inOffset;
            this.outOffset[count] = outOffset;
            this.length[count] = length;
            count++;
            return true;
        }

        /** Bytes of data in all sections. */
        public int dataLength() {
            int n = 0;
            for (int i = 0; i < count; i++) {
                n += length[i];
            }
            return n;
        }

        int aadTotal() {
            int n = 0;
            for (int i = 0; i < aadCount; i++) {
                n += aadLength[i];
            }
            return n;
        }
    }

    /**
     * Seals one message laid out by {@code sections}: additional data read from {@code aad}, each data section
     * read from {@code in} and its ciphertext written to {@code out} (which must not overlap {@code in}); the
     * 8-byte tag goes to {@code tag} at {@code tagOffset}. No gathering copy on OpenSSL (the sections feed one GCM
     * stream); BouncyCastle gathers.
     */
    public abstract void seal(byte[] iv, byte[] aad, byte[] in, byte[] out, Sections sections, byte[] tag,
            int tagOffset);

    /** Opens what {@link #seal(byte[], byte[], byte[], byte[], Sections, byte[], int)} sealed; false on a wrong tag. */
    public abstract boolean open(byte[] iv, byte[] aad, byte[] in, byte[] out, Sections sections, byte[] tag,
            int tagOffset);

    @Override
    public abstract void close();

    /** OpenSSL EVP, one context per direction with the key schedule set once; per call only the IV changes. */
    static final class OpenSsl extends TruncatedTagAesGcm {
        private final Arena arena = Arena.ofShared();
        private final MemorySegment sealCtx;
        private final MemorySegment openCtx;
        private final MemorySegment outLength;
        private boolean closed;

        OpenSsl(byte[] key) {
            outLength = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment k = arena.allocate(KEY_LENGTH);
            MemorySegment.copy(key, 0, k, ValueLayout.JAVA_BYTE, 0, KEY_LENGTH);
            MemorySegment cipher = LibCrypto.aes128Gcm();
            sealCtx = LibCrypto.cipherCtxNew();
            openCtx = LibCrypto.cipherCtxNew();
            boolean ok = !sealCtx.equals(MemorySegment.NULL) && !openCtx.equals(MemorySegment.NULL)
                    && LibCrypto.cipherInit(sealCtx, cipher, k, MemorySegment.NULL, 1) == 1
                    && LibCrypto.cipherInit(openCtx, cipher, k, MemorySegment.NULL, 0) == 1;
            k.fill((byte) 0);
            if (!ok) {
                close();
                throw new IllegalStateException("EVP AES-128-GCM context set-up failed");
            }
        }

        @Override
        public Backend backend() {
            return Backend.OPENSSL;
        }

        @Override
        public void seal(byte[] iv, byte[] aad, int aadLength, byte[] in, int inOffset, int length, byte[] out,
                int outOffset, byte[] tag, int tagOffset) {
            MemorySegment o = MemorySegment.ofArray(out).asSlice(outOffset);
            if (LibCrypto.cipherInit(sealCtx, MemorySegment.NULL, MemorySegment.NULL, MemorySegment.ofArray(iv),
                    LibCrypto.KEEP_DIRECTION) != 1
                    || (aadLength > 0 && LibCrypto.cipherUpdate(sealCtx, MemorySegment.NULL, outLength,
                            MemorySegment.ofArray(aad), aadLength) != 1)
                    || (length > 0 && LibCrypto.cipherUpdate(sealCtx, o, outLength,
                            MemorySegment.ofArray(in).asSlice(inOffset), length) != 1)
                    || LibCrypto.cipherFinal(sealCtx, o, outLength) != 1
                    || LibCrypto.cipherCtrl(sealCtx, LibCrypto.CTRL_AEAD_GET_TAG, TAG_LENGTH,
                            MemorySegment.ofArray(tag).asSlice(tagOffset)) != 1) {
                throw new IllegalStateException("EVP AES-128-GCM seal failed");
            }
        }

        @Override
        public boolean open(byte[] iv, byte[] aad, int aadLength, byte[] in, int inOffset, int length, byte[] out,
                int outOffset, byte[] tag, int tagOffset) {
            MemorySegment o = MemorySegment.ofArray(out).asSlice(outOffset);
            if (LibCrypto.cipherInit(openCtx, MemorySegment.NULL, MemorySegment.NULL, MemorySegment.ofArray(iv),
                    LibCrypto.KEEP_DIRECTION) != 1
                    || (aadLength > 0 && LibCrypto.cipherUpdate(openCtx, MemorySegment.NULL, outLength,
                            MemorySegment.ofArray(aad), aadLength) != 1)
                    || (length > 0 && LibCrypto.cipherUpdate(openCtx, o, outLength,
                            MemorySegment.ofArray(in).asSlice(inOffset), length) != 1)
                    || LibCrypto.cipherCtrl(openCtx, LibCrypto.CTRL_AEAD_SET_TAG, TAG_LENGTH,
                            MemorySegment.ofArray(tag).asSlice(tagOffset)) != 1) {
                throw new IllegalStateException("EVP AES-128-GCM open failed");
            }
            return LibCrypto.cipherFinal(openCtx, o, outLength) == 1;
        }

        @Override
        public void seal(byte[] iv, byte[] aad, byte[] in, byte[] out, Sections sections, byte[] tag,
                int tagOffset) {
            if (!stream(sealCtx, iv, aad, in, out, sections)
                    || LibCrypto.cipherFinal(sealCtx, MemorySegment.ofArray(out), outLength) != 1
                    || LibCrypto.cipherCtrl(sealCtx, LibCrypto.CTRL_AEAD_GET_TAG, TAG_LENGTH,
                            MemorySegment.ofArray(tag).asSlice(tagOffset)) != 1) {
                throw new IllegalStateException("EVP AES-128-GCM seal failed");
            }
        }

        @Override
        public boolean open(byte[] iv, byte[] aad, byte[] in, byte[] out, Sections sections, byte[] tag,
                int tagOffset) {
            if (!stream(openCtx, iv, aad, in, out, sections)
                    || LibCrypto.cipherCtrl(openCtx, LibCrypto.CTRL_AEAD_SET_TAG, TAG_LENGTH,
                            MemorySegment.ofArray(tag).asSlice(tagOffset)) != 1) {
                throw new IllegalStateException("EVP AES-128-GCM open failed");
            }
            return LibCrypto.cipherFinal(openCtx, MemorySegment.ofArray(out), outLength) == 1;
        }

        /**
         * New IV, then the additional-data ranges and the data sections as updates of one GCM stream: EVP's GCM
         * takes AAD in several updates before the text and carries a partial block from one text update to the
         * next, so the sections need not be block-aligned.
         */
        private boolean stream(MemorySegment ctx, byte[] iv, byte[] aad, byte[] in, byte[] out, Sections s) {
            if (LibCrypto.cipherInit(ctx, MemorySegment.NULL, MemorySegment.NULL, MemorySegment.ofArray(iv),
                    LibCrypto.KEEP_DIRECTION) != 1) {
                return false;
            }
            MemorySegment a = MemorySegment.ofArray(aad);
            for (int i = 0; i < s.aadCount; i++) {
                if (LibCrypto.cipherUpdate(ctx, MemorySegment.NULL, outLength, a.asSlice(s.aadOffset[i]),
                        s.aadLength[i]) != 1) {
                    return false;
                }
            }
            MemorySegment src = MemorySegment.ofArray(in);
            MemorySegment dst = MemorySegment.ofArray(out);
            for (int i = 0; i < s.count; i++) {
                if (LibCrypto.cipherUpdate(ctx, dst.asSlice(s.outOffset[i]), outLength, src.asSlice(s.inOffset[i]),
                        s.length[i]) != 1) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (sealCtx != null && !sealCtx.equals(MemorySegment.NULL)) {
                LibCrypto.cipherCtxFree(sealCtx); // EVP_CIPHER_CTX_free cleanses the key schedule
            }
            if (openCtx != null && !openCtx.equals(MemorySegment.NULL)) {
                LibCrypto.cipherCtxFree(openCtx);
            }
            arena.close();
        }
    }

    /**
     * BouncyCastle {@code GCMBlockCipher} with a 64-bit MAC, re-initialised per call with the new IV. The key is
     * given on the first init only: BC rebuilds its GHASH multiplier tables whenever a key parameter is passed, and
     * a null key keeps them.
     */
    static final class BouncyCastle extends TruncatedTagAesGcm {
        private KeyParameter sealKey;
        private KeyParameter openKey;
        private final GCMModeCipher seal = GCMBlockCipher.newInstance(AESEngine.newInstance());
        private final GCMModeCipher open = GCMBlockCipher.newInstance(AESEngine.newInstance());
        /** BC writes ciphertext and tag together; the tag lands here first. */
        private byte[] scratch = new byte[256];

        BouncyCastle(byte[] key) {
            this.sealKey = new KeyParameter(key.clone());
            this.openKey = new KeyParameter(key.clone());
        }

        @Override
        public Backend backend() {
            return Backend.BOUNCY_CASTLE;
        }

        @Override
        public void seal(byte[] iv, byte[] aad, int aadLength, byte[] in, int inOffset, int length, byte[] out,
                int outOffset, byte[] tag, int tagOffset) {
            seal.init(true, new AEADParameters(sealKey, TAG_LENGTH * 8, iv));
            sealKey = null;
            seal.processAADBytes(aad, 0, aadLength);
            byte[] buffer = scratch(length + TAG_LENGTH);
            try {
                int n = seal.processBytes(in, inOffset, length, buffer, 0);
                seal.doFinal(buffer, n);
            } catch (org.bouncycastle.crypto.InvalidCipherTextException e) {
                throw new IllegalStateException("GCM seal cannot fail", e);
            }
            System.arraycopy(buffer, 0, out, outOffset, length);
            System.arraycopy(buffer, length, tag, tagOffset, TAG_LENGTH);
        }

        @Override
        public boolean open(byte[] iv, byte[] aad, int aadLength, byte[] in, int inOffset, int length, byte[] out,
                int outOffset, byte[] tag, int tagOffset) {
            open.init(false, new AEADParameters(openKey, TAG_LENGTH * 8, iv));
            openKey = null;
            open.processAADBytes(aad, 0, aadLength);
            byte[] buffer = scratch(length + TAG_LENGTH);
            try {
                int n = open.processBytes(in, inOffset, length, buffer, 0);
                n += open.processBytes(tag, tagOffset, TAG_LENGTH, buffer, n);
                open.doFinal(buffer, n);
            } catch (org.bouncycastle.crypto.InvalidCipherTextException e) {
                return false;
            }
            System.arraycopy(buffer, 0, out, outOffset, length);
            return true;
        }

        private byte[] gatheredAad = new byte[256];
        private byte[] gatheredIn = new byte[256];
        private byte[] gatheredOut = new byte[256];

        @Override
        public void seal(byte[] iv, byte[] aad, byte[] in, byte[] out, Sections sections, byte[] tag,
                int tagOffset) {
            int aadLength = gatherAad(aad, sections);
            int length = gatherIn(in, sections);
            seal(iv, gatheredAad, aadLength, gatheredIn, 0, length, gatheredOut, 0, tag, tagOffset);
            scatter(out, sections);
        }

        @Override
        public boolean open(byte[] iv, byte[] aad, byte[] in, byte[] out, Sections sections, byte[] tag,
                int tagOffset) {
            int aadLength = gatherAad(aad, sections);
            int length = gatherIn(in, sections);
            if (!open(iv, gatheredAad, aadLength, gatheredIn, 0, length, gatheredOut, 0, tag, tagOffset)) {
                return false;
            }
            scatter(out, sections);
            return true;
        }

        private int gatherAad(byte[] aad, Sections s) {
            int n = s.aadTotal();
            if (gatheredAad.length < n) {
                gatheredAad = new byte[Math.max(n, gatheredAad.length * 2)];
            }
            int at = 0;
            for (int i = 0; i < s.aadCount; i++) {
                System.arraycopy(aad, s.aadOffset[i], gatheredAad, at, s.aadLength[i]);
                at += s.aadLength[i];
            }
            return n;
        }

        private int gatherIn(byte[] in, Sections s) {
            int n = s.dataLength();
            if (gatheredIn.length < n) {
                gatheredIn = new byte[Math.max(n, gatheredIn.length * 2)];
                gatheredOut = new byte[gatheredIn.length];
            }
            int at = 0;
            for (int i = 0; i < s.count; i++) {
                System.arraycopy(in, s.inOffset[i], gatheredIn, at, s.length[i]);
                at += s.length[i];
            }
            return n;
        }

        private void scatter(byte[] out, Sections s) {
            int at = 0;
            for (int i = 0; i < s.count; i++) {
                System.arraycopy(gatheredOut, at, out, s.outOffset[i], s.length[i]);
                at += s.length[i];
            }
        }

        private byte[] scratch(int size) {
            if (scratch.length < size) {
                scratch = new byte[Math.max(size, scratch.length * 2)];
            }
            return scratch;
        }

        @Override
        public void close() {}
    }
}
