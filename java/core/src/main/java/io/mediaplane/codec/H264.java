package io.mediaplane.codec;

/** H.264 NAL unit types (H.264 Table 7-1) and the RFC 6184 payload structure types (§5.2). */
public final class H264 {
    public static final int NON_IDR_SLICE = 1;
    public static final int SLICE_PARTITION_A = 2;
    public static final int IDR_SLICE = 5;
    public static final int SEI = 6;
    public static final int SPS = 7;
    public static final int PPS = 8;
    public static final int AUD = 9;
    public static final int END_OF_SEQUENCE = 10;
    public static final int END_OF_STREAM = 11;
    public static final int FILLER = 12;
    /** RFC 6184 §5.7.1. */
    public static final int STAP_A = 24;
    public static final int STAP_B = 25;
    public static final int MTAP16 = 26;
    public static final int MTAP24 = 27;
    /** RFC 6184 §5.8. */
    public static final int FU_A = 28;
    public static final int FU_B = 29;
    /** The 90 kHz RTP clock of every video payload format here (RFC 6184 §8.2.1, RFC 7741 §6.1). */
    public static final int CLOCK_RATE = 90_000;

    private H264() {}

    public static int type(int nalHeader) {
        return nalHeader & 0x1F;
    }

    /** Coded slice NAL units (types 1-5, §7.4.1.2.3). */
    public static boolean isVcl(int type) {
        return type >= NON_IDR_SLICE && type <= IDR_SLICE;
    }
}
