package io.mediaplane.server.http;

import io.mediaplane.codec.AnnexB;
import io.mediaplane.codec.H264Sps;
import io.mediaplane.codec.H264SpsParser;
import io.mediaplane.stream.Codec;
import io.mediaplane.stream.Frame;
import io.mediaplane.video.H264Decoder;
import io.mediaplane.video.VideoDecoder;
import io.mediaplane.video.Vp8Decoder;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** What the server reads from a stream-kernel video frame without decoding it, and the decoder for its codec. */
final class VideoFormat {
    private VideoFormat() {}

    /** A decoder for {@code codec}, or null when the server cannot decode it. */
    static VideoDecoder decoderFor(Codec codec) {
        return switch (codec) {
            case H264 -> H264Decoder.create();
            case VP8 -> Vp8Decoder.create();
            default -> null;
        };
    }

    /**
     * The picture size a keyframe announces as {@code width << 16 | height}, or 0 if it says none: the SPS in front
     * of an H264 IDR (ITU-T H.264 §7.3.2.1.1, cropping applied), or a VP8 key frame header (RFC 6386 §9.1).
     */
    static int keyframeSize(Frame f) {
        MemorySegment s = f.segment();
        long off = f.offset();
        int len = f.length();
        if (f.codec() == Codec.H264) {
            long[] offsets = new long[16];
            int[] lengths = new int[16];
            int n = AnnexB.split(s, off, len, offsets, lengths);
            for (int i = 0; i < n; i++) {
                if (lengths[i] > 0 && (s.get(ValueLayout.JAVA_BYTE, offsets[i]) & 0x1F) == 7) {
                    H264Sps sps = H264SpsParser.parse(s, offsets[i], lengths[i]);
                    return sps == null ? 0 : sps.width() << 16 | sps.height();
                }
            }
            return 0;
        }
        if (f.codec() == Codec.VP8 && len >= 10 && (s.get(ValueLayout.JAVA_BYTE, off) & 1) == 0
                && (s.get(ValueLayout.JAVA_BYTE, off + 3) & 0xFF) == 0x9d
                && (s.get(ValueLayout.JAVA_BYTE, off + 4) & 0xFF) == 0x01
                && (s.get(ValueLayout.JAVA_BYTE, off + 5) & 0xFF) == 0x2a) {
            int w = (s.get(ValueLayout.JAVA_BYTE, off + 6) & 0xFF | (s.get(ValueLayout.JAVA_BYTE, off + 7) & 0xFF) << 8)
                    & 0x3FFF;
            int h = (s.get(ValueLayout.JAVA_BYTE, off + 8) & 0xFF | (s.get(ValueLayout.JAVA_BYTE, off + 9) & 0xFF) << 8)
                    & 0x3FFF;
            return w << 16 | h;
        }
        return 0;
    }
}
