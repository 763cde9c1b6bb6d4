package io.mediaplane.rtp;

/**
 * NTP timestamps as RTCP carries them (RFC 3550 §4): 64 bits, seconds since 1900-01-01 in the high word and a
 * binary fraction in the low word; the "compact" form is the middle 32 bits (16.16 fixed point), which receiver
 * reports echo as LSR and measure DLSR in (§6.4.1).
 */
public final class Ntp {
    /** Seconds from 1900-01-01 (NTP era 0) to 1970-01-01 (the Unix epoch). */
    public static final long UNIX_EPOCH_SECONDS = 2_208_988_800L;
    private static final long NANOS = 1_000_000_000L;

    private Ntp() {}

    /** The 64-bit NTP timestamp of a wall-clock instant given in nanoseconds since the Unix epoch. */
    public static long fromUnixNanos(long unixNanos) {
        long seconds = Math.floorDiv(unixNanos, NANOS) + UNIX_EPOCH_SECONDS;
        long nanos = Math.floorMod(unixNanos, NANOS);
        return seconds << 32 | (nanos << 32) / NANOS;
    }

    /** The middle 32 bits of a 64-bit NTP timestamp. */
    public static long compact(long ntp) {
        return (ntp >>> 16) & 0xFFFF_FFFFL;
    }

    /** A duration in nanoseconds as 1/65536 s units (DLSR, §6.4.1), saturated at 32 bits. */
    public static long nanosToCompact(long nanos) {
        if (nanos <= 0) {
            return 0;
        }
        if (nanos >= 65_536L * NANOS) {
            return 0xFFFF_FFFFL; // 65536 s and more: the 16.16 field is full
        }
        return (nanos << 16) / NANOS;
    }

    /** A duration in 1/65536 s units as nanoseconds. */
    public static long compactToNanos(long compact) {
        return (compact * NANOS) >> 16;
    }
}
