package io.mediaplane.rtp;

/**
 * Why a packet from outside was accepted or refused. Parsers on the hot path return one of these instead
 * of throwing (DESIGN: hot-path errors are values); the caller drops the packet and counts the status.
 */
public enum PacketStatus {
    OK("ok"),
    TOO_SHORT("shorter than its fixed header"),
    BAD_VERSION("version is not 2 (RFC 3550 §5.1)"),
    BAD_CSRC_COUNT("CSRC list runs past the end (RFC 3550 §5.1)"),
    BAD_EXTENSION("header extension runs past the end (RFC 3550 §5.3.1, RFC 8285 §4)"),
    BAD_PADDING("padding count is zero or exceeds the payload (RFC 3550 §5.1)"),
    BAD_LENGTH("length field disagrees with the datagram (RFC 3550 §6.4.1)"),
    BAD_COUNT("item count does not fit the packet length"),
    BAD_FORMAT("malformed body for its type"),
    NOT_RTCP("payload type outside the RTCP range 192..223 (RFC 5761 §4)"),
    BAD_FIRST_PACKET("compound RTCP does not begin with SR or RR (RFC 3550 §6.1, A.2)"),
    WRONG_TYPE("packet type or feedback format is not the one this view reads");

    private final String meaning;

    PacketStatus(String meaning) {
        this.meaning = meaning;
    }

    public String meaning() {
        return meaning;
    }

    public boolean ok() {
        return this == OK;
    }
}
