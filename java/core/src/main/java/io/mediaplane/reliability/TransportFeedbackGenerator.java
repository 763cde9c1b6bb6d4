package io.mediaplane.reliability;

import io.mediaplane.rtp.RtcpTransportCcWriter;
import io.mediaplane.rtp.SequenceUnwrapper;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * The receive side of transport-wide congestion control (draft-holmer-rmcat-transport-wide-cc-extensions-01): the
 * arrival time of every packet carrying the transport-wide sequence number extension (§2) is recorded, whatever
 * its SSRC, and sent back as transport-cc feedback (§3.1), which the sender's bandwidth estimator (delay-based, in
 * browsers) needs. Each sequence number is reported once, in order, from the first not yet reported up to the
 * highest received; numbers skipped are reported as not received, and a packet arriving after its number was
 * reported is only counted. Single-threaded (the session's receive thread); preallocated, nothing per packet.
 */
public final class TransportFeedbackGenerator {
    /** Sequence numbers held between two feedbacks (about 4 s at 2.5 Mbit/s in 1200-byte packets). */
    static final int WINDOW = 1024;
    /** Packets per feedback: with every delta large it is 20 + 2·58 + 2·400 bytes, inside one RTCP buffer. */
    public static final int MAX_PACKETS_PER_FEEDBACK = 400;

    private final long[] arrivals = new long[WINDOW];
    private final SequenceUnwrapper unwrapper = new SequenceUnwrapper();
    private final RtcpTransportCcWriter writer = new RtcpTransportCcWriter(MAX_PACKETS_PER_FEEDBACK);
    /** The first unwrapped sequence number not reported yet; -1 before the first packet. */
    private long next = -1;
    private long highest = -1;
    private int feedbackCount;
    private long recorded;
    private long late;
    private long feedbackSent;

    public TransportFeedbackGenerator() {
        Arrays.fill(arrivals, RtcpTransportCcWriter.NOT_RECEIVED);
    }

    /** A packet with transport-wide sequence number {@code sequence} arrived at {@code arrivalMicros}. */
    public void onPacket(int sequence, long arrivalMicros) {
        long u = unwrapper.unwrap(sequence & 0xFFFF);
        if (next < 0) {
            next = u;
            highest = u - 1;
        }
        if (u < next) {
            late++; // reported as lost already (or a duplicate)
            return;
        }
        if (u - next >= WINDOW) {
            // too far ahead of what is unreported: what lies before the window is given up (never reported)
            long newNext = u - WINDOW + 1;
            for (long s = next; s < Math.min(newNext, highest + 1); s++) {
                arrivals[slot(s)] = RtcpTransportCcWriter.NOT_RECEIVED;
            }
            next = newNext;
            highest = Math.max(highest, next - 1);
        }
        recorded++;
        arrivals[slot(u)] = arrivalMicros;
        if (u > highest) {
            highest = u;
        }
    }

    /** Whether a feedback would report anything. */
    public boolean pending() {
        return next >= 0 && highest >= next;
    }

    /**
     * Writes one transport-cc feedback (RTPFB FMT 15) at {@code off} covering the unreported sequence numbers
     * (at most {@link #MAX_PACKETS_PER_FEEDBACK}, fewer when an arrival delta exceeds the format's 16 bits) and
     * returns its length, or 0 when nothing is pending.
     *
     * @param senderSsrc our RTCP SSRC
     * @param mediaSsrc  the SSRC of a media stream of the sender (libwebrtc ignores it; it names the peer)
     */
    public int write(MemorySegment s, long off, int senderSsrc, int mediaSsrc) {
        if (!pending()) {
            return 0;
        }
        writer.reset(senderSsrc, mediaSsrc, (int) next, feedbackCount);
        long u = next;
        while (u <= highest) {
            long arrival = arrivals[slot(u)];
            if (!writer.add(arrival)) {
                break;
            }
            arrivals[slot(u)] = RtcpTransportCcWriter.NOT_RECEIVED;
            u++;
        }
        // never empty: the first arrival sets the reference time, so only a full writer stops before it (then
        // this feedback reports losses only, which §3.1 allows)
        next = u;
        feedbackCount = (feedbackCount + 1) & 0xFF;
        feedbackSent++;
        return writer.write(s, off);
    }

    private static int slot(long unwrapped) {
        return (int) (unwrapped & (WINDOW - 1));
    }

    /** Packets recorded in time to be reported. */
    public long recorded() {
        return recorded;
    }

    /** Packets that arrived after their sequence number was reported (as lost). */
    public long late() {
        return late;
    }

    public long feedbackSent() {
        return feedbackSent;
    }
}
