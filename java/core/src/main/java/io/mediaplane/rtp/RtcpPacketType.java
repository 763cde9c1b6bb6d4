package io.mediaplane.rtp;

/**
 * RTCP packet types (the PT octet): RFC 3550 §12.1, RFC 4585 §6.1, RFC 3611 §2. Anything else inside the RTCP
 * range 192..223 (RFC 5761 §4) is {@link #OTHER}: structurally valid, skipped by readers that do not know it.
 */
public enum RtcpPacketType {
    SR(200, "sender report (RFC 3550 §6.4.1)"),
    RR(201, "receiver report (RFC 3550 §6.4.2)"),
    SDES(202, "source description (RFC 3550 §6.5)"),
    BYE(203, "goodbye (RFC 3550 §6.6)"),
    APP(204, "application-defined (RFC 3550 §6.7)"),
    RTPFB(205, "transport-layer feedback (RFC 4585 §6.2)"),
    PSFB(206, "payload-specific feedback (RFC 4585 §6.3)"),
    XR(207, "extended report (RFC 3611)"),
    OTHER(-1, "another type in the RTCP range 192..223");

    /** RFC 5761 §4: RTCP types live in 192..223 so they cannot collide with an RTP marker bit + payload type. */
    public static final int MIN_CODE = 192;
    public static final int MAX_CODE = 223;

    private static final RtcpPacketType[] BY_CODE = new RtcpPacketType[256];

    static {
        for (int pt = MIN_CODE; pt <= MAX_CODE; pt++) {
            BY_CODE[pt] = OTHER;
        }
        for (RtcpPacketType t : values()) {
            if (t.code >= 0) {
                BY_CODE[t.code] = t;
            }
        }
    }

    private final int code;
    private final String meaning;

    RtcpPacketType(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    /** The PT value on the wire, or -1 for {@link #OTHER}. */
    public int code() {
        return code;
    }

    public String meaning() {
        return meaning;
    }

    /** The type of PT {@code pt}, {@link #OTHER} for unknown RTCP types, null outside 192..223. */
    public static RtcpPacketType of(int pt) {
        return (pt & ~0xFF) == 0 ? BY_CODE[pt] : null;
    }

    public static boolean isRtcp(int pt) {
        return pt >= MIN_CODE && pt <= MAX_CODE;
    }
}
