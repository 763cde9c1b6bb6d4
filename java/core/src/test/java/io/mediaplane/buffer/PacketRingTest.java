package io.mediaplane.buffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PacketRingTest {
    @Test
    void aTicketFindsItsPacketUntilTheRingComesRound() {
        PacketRing ring = new PacketRing(5, 100); // rounded up to 8
        assertThat(ring.capacity()).isEqualTo(8);
        SplittableRandom random = new SplittableRandom(1);
        byte[][] sent = new byte[20][];
        long[] tickets = new long[20];
        for (int i = 0; i < 20; i++) {
            sent[i] = new byte[1 + random.nextInt(100)];
            random.nextBytes(sent[i]);
            // from the middle of a larger segment: the offset is honoured
            byte[] framed = new byte[sent[i].length + 10];
            System.arraycopy(sent[i], 0, framed, 7, sent[i].length);
            tickets[i] = ring.put(MemorySegment.ofArray(framed), 7, sent[i].length);
            assertThat(tickets[i]).isPositive();
        }
        for (int i = 0; i < 20; i++) {
            boolean held = i >= 12;
            assertThat(ring.holds(tickets[i])).as("packet %d", i).isEqualTo(held);
            if (held) {
                assertThat(ring.slab().asSlice(ring.offset(tickets[i]), ring.length(tickets[i]))
                        .toArray(ValueLayout.JAVA_BYTE)).isEqualTo(sent[i]);
            }
        }
    }

    @Test
    void refusesWhatDoesNotFitAndOtherRingsTickets() {
        PacketRing a = new PacketRing(4, 16);
        PacketRing b = new PacketRing(4, 16);
        assertThat(a.put(MemorySegment.ofArray(new byte[17]), 0, 17)).isEqualTo(-1);
        long ta = a.put(MemorySegment.ofArray(new byte[16]), 0, 16);
        long tb = b.put(MemorySegment.ofArray(new byte[3]), 0, 3);
        assertThat(a.holds(ta)).isTrue();
        assertThat(a.holds(tb)).isFalse();
        assertThat(b.holds(ta)).isFalse();
        assertThat(a.holds(-1)).isFalse();
        assertThatThrownBy(() -> new PacketRing(0, 16)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PacketRing(4, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
