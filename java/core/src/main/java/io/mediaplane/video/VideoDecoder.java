package io.mediaplane.video;

import java.lang.foreign.MemorySegment;

/**
 * A persistent decoder for one stream: units in, {@link I420Picture}s out, every outcome a {@link DecodeStatus}.
 * The picture is the library's own buffer, not a copy: it is valid until the next call on the decoder
 * ({@code decode}, {@code reset}, {@code close}); copy or consume it before. One thread at a time.
 */
public sealed interface VideoDecoder extends AutoCloseable permits NativeVideoDecoder {
    /** Decodes {@code [offset, offset + length)} of {@code unit}: an H264 access unit or a VP8 frame. */
    DecodeStatus decode(MemorySegment unit, long offset, int length);

    default DecodeStatus decode(byte[] unit) {
        return decode(MemorySegment.ofArray(unit), 0, unit.length);
    }

    /** The picture of the last call if its status {@linkplain DecodeStatus#hasPicture() has one}, else null. */
    I420Picture picture();

    DecoderCounters counters();

    /** Re-creates the native decoder, drops units until the next keyframe and requests one. */
    void reset();

    /** Frees the native decoder and its memory; idempotent. */
    @Override
    void close();
}
