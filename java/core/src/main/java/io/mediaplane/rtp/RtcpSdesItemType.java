package io.mediaplane.rtp;

/** SDES item types (RFC 3550 §6.5, §12.2). */
public enum RtcpSdesItemType {
    END(0, "end of the item list (§6.5)"),
    CNAME(1, "canonical end-point identifier (§6.5.1)"),
    NAME(2, "user name (§6.5.2)"),
    EMAIL(3, "electronic mail address (§6.5.3)"),
    PHONE(4, "phone number (§6.5.4)"),
    LOC(5, "geographic user location (§6.5.5)"),
    TOOL(6, "application or tool name (§6.5.6)"),
    NOTE(7, "notice/status (§6.5.7)"),
    PRIV(8, "private extension (§6.5.8)");

    private static final RtcpSdesItemType[] BY_CODE = values();

    private final int code;
    private final String meaning;

    RtcpSdesItemType(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    public int code() {
        return code;
    }

    public String meaning() {
        return meaning;
    }

    /** The type with wire code {@code code}, or null for types this enum does not know. */
    public static RtcpSdesItemType of(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
