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
    /** Further back than this is a sender restart, not a late packet (RFC 3550 A.1's MAX_MISORDER). */
    static final int MAX_MISORDER = 100;
    private final FrameSink sink;
    private final PayloadCounters counters = new PayloadCounters();
    private int expectedSeq = -1;
    private int expectedTimestamp;
    private int pendingLoss;
    private long dtxSamples;

    public OpusDepacketizer(FrameSink sink) {
        this.sink = sink;
    }

    public PayloadStatus push(RtpPacket p) {
        return push(p.segment(), p.payloadOffset(), p.payloadLength(), p.sequenceNumber(), p.timestamp());
    }

    public PayloadStatus push(MemorySegment s, long offset, int length, int seq, int timestamp) {
        seq &= 0xFFFF;
        boolean contiguous = true;
        if (expectedSeq >= 0 && seq != expectedSeq) {
            int d = Sequences.seqDiff(seq, expectedSeq);
            if (d < 0 && d > -MAX_MISORDER) {
                return counters.count(PayloadStatus.LATE);
            }
            if (d > 0) {
                pendingLoss += d;
                counters.lost(d);
            } // else: far behind, so the sender restarted its sequence (RFC 3550 A.1): a gap of unknown size
            contiguous = false;
        }
        if (contiguous && expectedSeq >= 0 && Sequences.isTimestampNewer(timestamp, expectedTimestamp)) {
            dtxSamples += Sequences.timestampDiff(timestamp, expectedTimestamp);
        }
        expectedSeq = (seq + 1) & 0xFFFF;
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
        int lost = pendingLoss;
        pendingLoss = 0;
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
