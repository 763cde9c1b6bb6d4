package io.mediaplane.net;

/** What parsing one datagram as STUN found (RFC 8489 §5, §14). Parsers return these, never throw. */
public enum StunStatus {
    OK("well-formed STUN message"),
    TOO_SHORT("shorter than the 20-byte header"),
    NOT_STUN("top two bits not zero or magic cookie not 0x2112A442 (RFC 8489 §5)"),
    BAD_LENGTH("length field not a multiple of 4 or not the datagram's remaining length"),
    BAD_ATTRIBUTE("an attribute runs past the end, or a known attribute has the wrong size"),
    TOO_MANY_ATTRIBUTES("more attributes than a binding request ever needs");

    private final String meaning;

    StunStatus(String meaning) {
        this.meaning = meaning;
    }

    public String meaning() {
        return meaning;
    }

    public boolean ok() {
        return this == OK;
    }
}
