package io.mediaplane.codec;

import io.mediaplane.rtp.RtpPacket;
import io.mediaplane.rtp.Sequences;
import java.lang.foreign.MemorySegment;

/**
 * RTP to Opus packets, RFC 7587: each payload is one Opus packet (§4.2), validated by its TOC framing
 * (RFC 6716 §3.2) and delivered in place, without a copy. Loss is told apart from DTX by sequence numbers: a gap
 * in sequence numbers is loss (reported with the next packet, for PLC or FEC), a timestamp jump with contiguous
 * sequence numbers is silence ({@link #dtxSamples()}).
 */
public final class OpusDepacketizer {
    private final FrameSink sink;
    private final PayloadCounters counters = new PayloadCounters();
    private final SequenceContinuity continuity = new SequenceContinuity(counters);
    private int expectedTimestamp;
    private long dtxSamples;

    public OpusDepacketizer(FrameSink sink) {
        this.sink = sink;
    }

    public PayloadStatus push(RtpPacket p) {
        return push(p.segment(), p.payloadOffset(), p.payloadLength(), p.sequenceNumber(), p.timestamp());
    }

    public PayloadStatus push(MemorySegment s, long offset, int length, int seq, int timestamp) {
        SequenceContinuity.Step step = continuity.next(seq);
        if (step == SequenceContinuity.Step.LATE) {
            return counters.count(PayloadStatus.LATE);
        }
        // in order but later than the previous packet's end: the sender withheld silence (DTX), nothing was lost
        if (step == SequenceContinuity.Step.IN_ORDER && Sequences.isTimestampNewer(timestamp, expectedTimestamp)) {
            dtxSamples += Sequences.timestampDiff(timestamp, expectedTimestamp);
        }
        if (length == 0) {
            return PayloadStatus.EMPTY;
        }
        int samples = Opus.samples(s, offset, length);
        if (samples < 0) {
            expectedTimestamp = timestamp;
            return counters.count(PayloadStatus.BAD_TOC);
        }
        expectedTimestamp = timestamp + samples;
        counters.unitDelivered();
        int lost = continuity.takeLoss();
        sink.accept(s, offset, length, timestamp, true, lost);
        return PayloadStatus.OK;
    }

    /** Samples (48 kHz) of silence the sender did not send (DTX), as opposed to lost. */
    public long dtxSamples() {
        return dtxSamples;
    }

    public PayloadCounters counters() {
        return counters;
    }
}
