package io.mediaplane.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Fuzz target for unprotect on outside bytes: whatever arrives, every backend returns a status or a length
 * inside the packet, never an exception, and all backends agree. Taken as a plaintext, the same bytes must
 * protect and unprotect back to themselves. Byte 0 picks the profile and RTP or RTCP; the rest is the
 * datagram. Runs its seeds in every test run and fuzzes when JAZZER_FUZZ=1 (the test command does, briefly).
 */
class SrtpFuzzTest {
    private static final SrtpContext[][] CONTEXTS = new SrtpContext[SrtpProfile.values().length][];

    static {
        for (SrtpProfile p : SrtpProfile.values()) {
            byte[] master = new byte[p.masterLength()];
            for (int i = 0; i < master.length; i++) {
                master[i] = (byte) i; // the libsrtp2 vectors' key (SrtpVectorTest), so seeds from them open
            }
            SrtpBackend[] backends = SrtpBackend.values();
            CONTEXTS[p.ordinal()] = new SrtpContext[backends.length];
            for (SrtpBackend b : backends) {
                // replay windows on (libsrtp2 cannot turn its off): all backends see the same inputs in the same
                // order, so their stream states stay equal and they must agree on REPLAYED too
                CONTEXTS[p.ordinal()][b.ordinal()] = SrtpContext.builder(p, master, master).backend(b).build();
            }
        }
    }

    @FuzzTest(maxDuration = "20s")
    void unprotect(byte[] input) {
        if (input.length == 0) {
            return;
        }
        SrtpProfile profile = SrtpProfile.values()[input[0] & 3];
        boolean rtcp = (input[0] & 4) != 0;
        byte[] packet = Arrays.copyOfRange(input, 1, input.length);
        SrtpContext[] contexts = CONTEXTS[profile.ordinal()];
        int first = Integer.MIN_VALUE;
        byte[] firstBytes = null;
        for (SrtpContext c : contexts) {
            byte[] p = packet.clone();
            MemorySegment s = MemorySegment.ofArray(p);
            int r = rtcp ? c.openRtcp(s, 0, p.length) : c.openRtp(s, 0, p.length);
            if (r >= 0) {
                assertThat(r).isLessThan(p.length);
            } else {
                assertThat(CipherStatus.ofResult(r)).isNotEqualTo(CipherStatus.OK);
            }
            if (first == Integer.MIN_VALUE) {
                first = r;
                firstBytes = r >= 0 ? Arrays.copyOf(p, r) : null;
            } else {
                assertThat(r).isEqualTo(first);
                if (r >= 0) {
                    assertThat(Arrays.copyOf(p, r)).isEqualTo(firstBytes);
                }
            }
        }
        // fresh contexts for the round trip: the shared ones carry stream state (highest index) from earlier inputs
        SrtpBackend[] backends = SrtpBackend.values();
        try (SrtpContext sealer = fresh(profile, backends[packet.length % backends.length]);
                SrtpContext opener = fresh(profile, backends[(packet.length + 1) % backends.length])) {
            roundTrip(sealer, opener, packet, rtcp);
        }
    }

    private static SrtpContext fresh(SrtpProfile p, SrtpBackend b) {
        byte[] master = new byte[p.masterLength()];
        for (int i = 0; i < master.length; i++) {
            master[i] = (byte) i;
        }
        return SrtpContext.builder(p, master, master).backend(b).build();
    }

    private static void roundTrip(SrtpContext sealer, SrtpContext opener, byte[] packet, boolean rtcp) {
        byte[] buf = Arrays.copyOf(packet, packet.length + sealer.maxOverhead());
        MemorySegment s = MemorySegment.ofArray(buf);
        int sealed = rtcp ? sealer.sealRtcp(s, 0, packet.length, buf.length)
                : sealer.sealRtp(s, 0, packet.length, buf.length);
        if (sealed < 0) {
            assertThat(CipherStatus.ofResult(sealed)).isIn(CipherStatus.TOO_SHORT, CipherStatus.BAD_HEADER);
            return;
        }
        int opened = rtcp ? opener.openRtcp(s, 0, sealed) : opener.openRtp(s, 0, sealed);
        assertThat(CipherStatus.ofResult(opened)).isEqualTo(CipherStatus.OK);
        assertThat(Arrays.copyOf(buf, opened)).isEqualTo(packet);
    }
}
