package io.mediaplane.rtp;

/**
 * Wrap-around arithmetic for 16-bit sequence numbers and 32-bit timestamps (RFC 3550 §5.1, Appendix A.1),
 * in serial-number style (RFC 1982): a value is "newer" when it is less than half the space ahead.
 */
public final class Sequences {
    private Sequences() {}

    /** {@code a - b} as a signed distance in [-32768, 32767]. */
    public static int seqDiff(int a, int b) {
        return (short) (a - b);
    }

    /** Whether {@code a} comes after {@code b}, across wrap-around. */
    public static boolean isNewer(int a, int b) {
        return seqDiff(a, b) > 0;
    }

    /** {@code a + n} modulo 2^16. */
    public static int seqAdd(int a, int n) {
        return (a + n) & 0xFFFF;
    }

    /** {@code a - b} for 32-bit RTP timestamps, as a signed distance. */
    public static int timestampDiff(int a, int b) {
        return a - b;
    }

    public static boolean isTimestampNewer(int a, int b) {
        return a - b > 0;
    }

    /** The 16-bit sequence number of an extended (cycles &lt;&lt; 16 | seq) index. */
    public static int seqOf(long extended) {
        return (int) (extended & 0xFFFF);
    }
}
