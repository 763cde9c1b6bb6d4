package io.mediaplane.net;

/** STUN constants (RFC 8489 §5, §14, §18; ICE attributes RFC 8445 §16.1). */
public final class Stun {
    private Stun() {}

    public static final int HEADER_LENGTH = 20;
    public static final int MAGIC_COOKIE = 0x2112A442;
    /** RFC 8489 §14.7: the CRC-32 is XOR-ed with this ("STUN"). */
    public static final int FINGERPRINT_XOR = 0x5354554E;

    public static final int METHOD_BINDING = 0x001;

    // message types: method bits with class bits C1 (0x100) and C0 (0x010), RFC 8489 §5
    public static final int BINDING_REQUEST = 0x0001;
    public static final int BINDING_INDICATION = 0x0011;
    public static final int BINDING_SUCCESS = 0x0101;
    public static final int BINDING_ERROR = 0x0111;

    // attributes (RFC 8489 §18.3, RFC 8445 §16.1)
    public static final int MAPPED_ADDRESS = 0x0001;
    public static final int USERNAME = 0x0006;
    public static final int MESSAGE_INTEGRITY = 0x0008;
    public static final int ERROR_CODE = 0x0009;
    public static final int UNKNOWN_ATTRIBUTES = 0x000A;
    public static final int REALM = 0x0014;
    public static final int NONCE = 0x0015;
    public static final int MESSAGE_INTEGRITY_SHA256 = 0x001C;
    public static final int XOR_MAPPED_ADDRESS = 0x0020;
    public static final int PRIORITY = 0x0024;
    public static final int USE_CANDIDATE = 0x0025;
    public static final int SOFTWARE = 0x8022;
    public static final int FINGERPRINT = 0x8028;
    public static final int ICE_CONTROLLED = 0x8029;
    public static final int ICE_CONTROLLING = 0x802A;

    // error codes (RFC 8489 §14.8, RFC 8445 §7.3.1.1)
    public static final int ERROR_BAD_REQUEST = 400;
    public static final int ERROR_UNAUTHORIZED = 401;
    public static final int ERROR_UNKNOWN_ATTRIBUTE = 420;
    public static final int ERROR_ROLE_CONFLICT = 487;

    /** HMAC-SHA1 output length and the MESSAGE-INTEGRITY value size (RFC 8489 §14.5). */
    public static final int INTEGRITY_LENGTH = 20;

    /** Whether the attribute type is comprehension-required (0x0000-0x7FFF, RFC 8489 §14). */
    public static boolean comprehensionRequired(int type) {
        return type < 0x8000;
    }
}
