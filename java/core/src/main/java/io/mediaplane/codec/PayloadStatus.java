package io.mediaplane.codec;

/**
 * What a depacketizer did with one RTP payload (DESIGN: hot-path errors are values). Anything but {@link #OK} and
 * {@link #EMPTY} is counted in {@link PayloadCounters}; statuses that end a unit say so in their meaning.
 */
public enum PayloadStatus {
    OK("accepted"),
    EMPTY("no payload (padding-only packet, RFC 3550 §5.1); sequence continuity kept"),
    LATE("sequence number older than one already processed (reordering belongs upstream)"),
    DROPPED_GAP("part of a unit after a sequence gap; the unit is dropped"),
    DROPPED_CORRUPT("part of a unit already found corrupt; the unit is dropped"),
    BAD_NAL("NAL header with the forbidden bit set or a reserved type (H.264 §7.4.1, RFC 6184 §5.3)"),
    UNSUPPORTED_NAL("STAP-B, MTAP or FU-B: interleaved mode only (RFC 6184 §5.4, §6.2)"),
    BAD_STAP("STAP-A unit sizes do not add up to the payload (RFC 6184 §5.7.1)"),
    CORRUPT_FU("FU-A fragments out of order, missing a start or end, or S and E both set (RFC 6184 §5.8)"),
    TOO_LARGE("unit exceeds the configured maximum size"),
    NO_SLICE("access unit without a coded slice"),
    BAD_DESCRIPTOR("VP8 payload descriptor runs past the payload (RFC 7741 §4.2)"),
    NOT_FRAME_START("VP8 unit does not begin with S=1, PID=0 (RFC 7741 §4.4)"),
    BAD_TOC("Opus packet violates the TOC framing rules (RFC 6716 §3.2)"),
    DTX_SUPPRESSED("Opus DTX packet not sent (RFC 7587 §3.1.3)"),
    POOL_EXHAUSTED("no free packet buffer; the packet was not sent and its sequence number skipped");

    private final String meaning;

    PayloadStatus(String meaning) {
        this.meaning = meaning;
    }

    public String meaning() {
        return meaning;
    }

    public boolean ok() {
        return this == OK;
    }
}
