package io.mediaplane.codec;

import io.mediaplane.buffer.Bytes;
import io.mediaplane.rtp.RtpPacket;
import java.lang.foreign.MemorySegment;

/**
 * RTP packets to VP8 frames, RFC 7741: strips each payload descriptor (§4.2) and concatenates the payloads of one
 * frame (same timestamp, §4.1) into one reused buffer. A frame begins with S=1, PID=0 and ends with the marker bit
 * (or, when nothing is missing, with the next timestamp). A sequence gap drops the frame being assembled; because
 * the first packet of a frame is marked, a frame after a gap is kept when it begins properly. Keyframes: the P bit
 * of the VP8 payload header (§4.3). Not thread-safe; allocation-free per packet.
 */
public final class Vp8Depacketizer {
    public static final int DEFAULT_MAX_FRAME = 4 << 20;

    private final FrameSink sink;
    private final int maxFrame;
    private final PayloadCounters counters = new PayloadCounters();
    private final SequenceContinuity continuity = new SequenceContinuity(counters);
    private final Vp8PayloadDescriptor descriptor = new Vp8PayloadDescriptor();
    private byte[] array;
    private MemorySegment buf;
    private int end;
    private boolean inFrame;
    private boolean broken;
    private boolean started;
    private int frameTimestamp;
    private boolean keyframe;

    public Vp8Depacketizer(FrameSink sink) {
        this(sink, DEFAULT_MAX_FRAME);
    }

    public Vp8Depacketizer(FrameSink sink, int maxFrameBytes) {
        this.sink = sink;
        this.maxFrame = maxFrameBytes;
        this.array = new byte[Math.min(maxFrameBytes, 128 << 10)];
        this.buf = MemorySegment.ofArray(array);
    }

    public PayloadCounters counters() {
        return counters;
    }

    /** The descriptor of the last packet accepted (valid until the next push). */
    public Vp8PayloadDescriptor lastDescriptor() {
        return descriptor;
    }

    public PayloadStatus push(RtpPacket p) {
        return push(p.segment(), p.payloadOffset(), p.payloadLength(), p.sequenceNumber(), p.timestamp(), p.marker());
    }

    public PayloadStatus push(MemorySegment s, long offset, int length, int seq, int timestamp, boolean marker) {
        SequenceContinuity.Step step = continuity.next(seq);
        if (step == SequenceContinuity.Step.LATE) {
            return counters.count(PayloadStatus.LATE);
        }
        if (step == SequenceContinuity.Step.DISCONTINUITY) {
            if (inFrame) {
                if (!broken) {
                    counters.count(PayloadStatus.DROPPED_GAP);
                    drop();
                }
                if (timestamp != frameTimestamp) {
                    inFrame = false;
                }
            }
        }
        if (inFrame && timestamp != frameTimestamp) {
            if (!broken) {
                finish();
            }
            inFrame = false;
        }
        if (length == 0) {
            return PayloadStatus.EMPTY;
        }
        PayloadStatus status = descriptor.parse(s, offset, length);
        if (!status.ok()) {
            if (inFrame) {
                drop();
            }
            return counters.count(status);
        }
        if (!inFrame) {
            inFrame = true;
            frameTimestamp = timestamp;
            end = 0;
            started = false;
            broken = false;
        }
        if (broken) {
            if (marker) {
                inFrame = false;
            }
            return counters.count(PayloadStatus.DROPPED_CORRUPT);
        }
        int dl = descriptor.length();
        int n = length - dl;
        if (!started) {
            if (!descriptor.startsFrame() || n < 1) {
                drop();
                if (marker) {
                    inFrame = false;
                }
                return counters.count(PayloadStatus.NOT_FRAME_START);
            }
            started = true;
            keyframe = Vp8PayloadDescriptor.isKeyFrame(Bytes.u8(s, offset + dl));
        }
        if (!reserve(n)) {
            drop();
            return counters.count(PayloadStatus.TOO_LARGE);
        }
        MemorySegment.copy(s, offset + dl, buf, end, n);
        end += n;
        if (marker) {
            finish();
            inFrame = false;
        }
        return PayloadStatus.OK;
    }

    private void drop() {
        if (!broken) {
            broken = true;
            counters.unitDropped();
        }
    }

    private boolean reserve(int more) {
        long need = (long) end + more;
        if (need <= array.length) {
            return true;
        }
        if (need > maxFrame) {
            return false;
        }
        byte[] grown = new byte[(int) Math.min(Math.max(need, 2L * array.length), maxFrame)];
        System.arraycopy(array, 0, grown, 0, end);
        array = grown;
        buf = MemorySegment.ofArray(array);
        return true;
    }

    private void finish() {
        if (broken || !started || end == 0) {
            return;
        }
        counters.unitDelivered();
        int lost = continuity.takeLoss();
        sink.accept(buf, 0, end, frameTimestamp, keyframe, lost);
    }

    public void reset() {
        inFrame = false;
        broken = false;
        continuity.reset();
    }
}
