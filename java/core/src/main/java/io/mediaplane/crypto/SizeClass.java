package io.mediaplane.crypto;

/** Packet-size classes for backend choice: the fastest backend differs between Opus-sized and video packets. */
public enum SizeClass {
    /** ≤ 256 bytes: audio; per-call overhead dominates. */
    SMALL(256),
    /** ≤ 1500 bytes: video packets up to an Ethernet MTU. */
    MTU(1500),
    /** Larger (jumbo or loopback datagrams): throughput dominates. */
    LARGE(Integer.MAX_VALUE);

    private final int maxLength;

    SizeClass(int maxLength) {
        this.maxLength = maxLength;
    }

    public int maxLength() {
        return maxLength;
    }

    /** The class of a packet of {@code length} plaintext bytes. */
    public static SizeClass of(int length) {
        return length <= SMALL.maxLength ? SMALL : length <= MTU.maxLength ? MTU : LARGE;
    }
}
