package io.mediaplane.discord.dave;

import io.mediaplane.crypto.TruncatedTagAesGcm;
import io.mediaplane.discord.FrameCryptoStatus;
import io.mediaplane.stream.Codec;

/**
 * Seals this member's outgoing frames (libdave {@code Encryptor}): the truncated nonce is incremented before each
 * use (the first frame of a ratchet carries nonce 1); its top byte selects the key generation, wrapped at 256
 * ({@link CryptorManager#wrappedGeneration}), so the key changes every 2^24 frames. H264/H265 frames whose
 * ciphertext or trailer would contain a start code are sealed again with the next nonce, up to 10 attempts.
 *
 * <p>Not thread-safe by itself: {@link DaveSession} serialises calls.
 */
public final class FrameEncryptor implements AutoCloseable {
    static final int MAX_ATTEMPTS = 10;

    private final TruncatedTagAesGcm.Backend backend;
    private final OutboundFrame frame = new OutboundFrame();
    private final byte[] iv = new byte[TruncatedTagAesGcm.IV_LENGTH];
    private KeyRatchet ratchet;
    private TruncatedTagAesGcm cipher;
    private long generation;
    private int truncatedNonce;
    private long sealed;
    private long retries;

    public FrameEncryptor(TruncatedTagAesGcm.Backend backend) {
        this.backend = backend;
    }

    /** Switches to a new epoch's ratchet (or none): generation and nonce start again. */
    public void setKeyRatchet(KeyRatchet ratchet) {
        closeCipher();
        this.ratchet = ratchet;
        this.generation = 0;
        this.truncatedNonce = 0;
    }

    /** Continues after {@code nonce} (tests of generation handling; a sender never rewinds). */
    void startNonceAfter(int nonce) {
        truncatedNonce = nonce;
        generation = CryptorManager.wrappedGeneration(0, Integer.toUnsignedLong(nonce) >>> 24);
    }

    public boolean hasKey() {
        return ratchet != null;
    }

    /** Largest sealed frame for {@code frameSize} plain bytes (libdave {@code GetMaxCiphertextByteSize}). */
    public static int maxSealedSize(int frameSize) {
        return frameSize + SecureFrame.MIN_SUPPLEMENTAL_LENGTH + SecureFrame.TRANSFORM_PADDING;
    }

    /**
     * Seals {@code frame[0, length)} into {@code out} (a different array); returns the sealed length or a negative
     * {@link FrameCryptoStatus} result. {@code out} must hold {@link #maxSealedSize}({@code length}) bytes (H264
     * start codes normalised to 4 bytes can grow a frame by one byte per NAL unit; that margin comes from the
     * transform padding).
     */
    public int seal(Codec codec, byte[] frame, int length, byte[] out) {
        if (ratchet == null) {
            return FrameCryptoStatus.NO_KEY.result();
        }
        this.frame.process(codec, frame, length);
        OutboundFrame f = this.frame;
        int frameSize = f.frameIndex;
        int rangesSize = f.rangesSize();
        int maxTrailer = SecureFrame.TAG_LENGTH + Leb128.MAX_SIZE + rangesSize + 1 + SecureFrame.MAGIC_LENGTH;
        if (out.length < frameSize + maxTrailer) {
            return FrameCryptoStatus.OUTPUT_TOO_SMALL.result();
        }
        f.writeClear(out);
        boolean h26x = codec == Codec.H264 || codec == Codec.H265;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            int nonce = ++truncatedNonce;
            long g = CryptorManager.wrappedGeneration(generation, Integer.toUnsignedLong(nonce) >>> 24);
            if (g != generation || cipher == null) {
                byte[] key = ratchet.key(g);
                if (key == null) {
                    return FrameCryptoStatus.NO_KEY.result();
                }
                closeCipher();
                generation = g;
                cipher = TruncatedTagAesGcm.create(key, backend);
            }
            SecureFrame.iv(nonce, iv);
            cipher.seal(iv, f.clear, frame, out, f.sections, out, frameSize); // ciphertext between the clear ranges
            int at = frameSize + SecureFrame.TAG_LENGTH;
            int nonceSize = Leb128.write(Integer.toUnsignedLong(nonce), out, at);
            at += nonceSize;
            for (int i = 0; i < f.rangeCount; i++) {
                at += Leb128.write(f.rangeOffset[i], out, at);
                at += Leb128.write(f.rangeSize[i], out, at);
            }
            int supplemental = SecureFrame.MIN_SUPPLEMENTAL_LENGTH + nonceSize + rangesSize;
            if (supplemental > 0xFF) {
                // the trailer's size byte cannot describe this many clear ranges (hundreds of tiny NALs/OBUs):
                // the frame cannot be sent in the DAVE format, so it is refused rather than truncated
                return FrameCryptoStatus.MALFORMED.result();
            }
            out[at++] = (byte) supplemental;
            out[at++] = (byte) 0xFA;
            out[at++] = (byte) 0xFA;
            if (!h26x || f.startCodeFree(out, at)) {
                sealed++;
                return at;
            }
            retries++;
        }
        return FrameCryptoStatus.MALFORMED.result(); // 10 nonces all produced a start code: astronomically rare
    }

    public TruncatedTagAesGcm.Backend backend() {
        return backend;
    }

    public long sealedCount() {
        return sealed;
    }

    /** Extra attempts made because an H26x ciphertext contained a start code. */
    public long retryCount() {
        return retries;
    }

    private void closeCipher() {
        if (cipher != null) {
            cipher.close();
            cipher = null;
        }
    }

    @Override
    public void close() {
        closeCipher();
        ratchet = null;
    }
}
