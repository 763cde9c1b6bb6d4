package io.mediaplane.webrtc;

import io.mediaplane.codec.H264;
import io.mediaplane.codec.PayloadStatus;
import io.mediaplane.codec.Vp8PayloadDescriptor;
import io.mediaplane.stream.Codec;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Whether an RTP payload starts a picture a decoder can start from: a viewer's video is gated on it so that the
 * first picture it gets is decodable (a late joiner, or every viewer after a publisher reconnects).
 */
final class Keyframes {
    private final Vp8PayloadDescriptor vp8 = new Vp8PayloadDescriptor();

    /**
     * H264 (RFC 6184 §5.6–5.8): a single NAL, the first NAL of a STAP-A, or the start of an FU-A that is an SPS or
     * an IDR slice (publishers send SPS/PPS right before each IDR). VP8 (RFC 7741 §4.3): the first packet of
     * partition 0 whose frame tag has the key-frame bit clear (RFC 6386 §9.1).
     */
    boolean startsKeyframe(Codec codec, MemorySegment s, long payload, int length) {
        if (length < 1) {
            return false;
        }
        return switch (codec) {
            case H264 -> h264(s, payload, length);
            case VP8 -> {
                if (vp8.parse(s, payload, length) != PayloadStatus.OK || !vp8.startsFrame()
                        || length <= vp8.length()) {
                    yield false;
                }
                yield Vp8PayloadDescriptor.isKeyFrame(u8(s, payload + vp8.length()));
            }
            default -> true;
        };
    }

    private static boolean h264(MemorySegment s, long p, int length) {
        int type = H264.type(u8(s, p));
        if (type == H264.STAP_A) {
            return length > 3 && isStart(H264.type(u8(s, p + 3)));
        }
        if (type == H264.FU_A) {
            if (length < 2) {
                return false;
            }
            int fu = u8(s, p + 1);
            return (fu & 0x80) != 0 && isStart(fu & 0x1F);
        }
        return isStart(type);
    }

    private static boolean isStart(int nalType) {
        return nalType == H264.SPS || nalType == H264.IDR_SLICE;
    }

    private static int u8(MemorySegment s, long off) {
        return s.get(ValueLayout.JAVA_BYTE, off) & 0xFF;
    }
}
