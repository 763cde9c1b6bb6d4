package io.mediaplane.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediaplane.buffer.PacketBuffer;
import io.mediaplane.buffer.PacketPool;
import io.mediaplane.rtp.RtpHeader;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReorderBufferTest {
    private static final long MS = 1_000_000L;
    private final PacketPool pool = PacketPool.heap(128, 64);
    private final List<Integer> out = new ArrayList<>();
    private final ReorderBuffer buffer = new ReorderBuffer(p -> {
        out.add(RtpHeader.sequenceNumber(p.segment(), p.offset()));
        p.release();
    }, 16, 50 * MS);

    @AfterEach
    void noLeak() {
        buffer.close();
        assertThat(pool.outstanding()).isZero();
    }

    private ReliabilityStatus push(int seq, long now) {
        PacketBuffer b = pool.acquire();
        b.length(RtpHeader.FIXED_LENGTH);
        RtpHeader.write(b.segment(), b.offset(), false, 96, seq, 0, 1);
        return buffer.push(b, seq, now);
    }

    @Test
    void deliversInOrderAtOnce() {
        for (int s = 100; s < 110; s++) {
            assertThat(push(s, 0)).isEqualTo(ReliabilityStatus.OK);
        }
        assertThat(out).containsExactly(100, 101, 102, 103, 104, 105, 106, 107, 108, 109);
        assertThat(buffer.held()).isZero();
    }

    @Test
    void reordersAcrossTheWrap() {
        int[] order = {65533, 65535, 65534, 1, 0, 2};
        for (int s : order) {
            push(s, 0);
        }
        assertThat(out).containsExactly(65533, 65534, 65535, 0, 1, 2);
        assertThat(buffer.lostPackets()).isZero();
    }

    @Test
    void dropsDuplicatesHeldOrDelivered() {
        push(1, 0);
        push(3, 0);
        assertThat(push(3, 0)).isEqualTo(ReliabilityStatus.DUPLICATE); // held
        assertThat(push(1, 0)).isEqualTo(ReliabilityStatus.DUPLICATE); // delivered
        push(2, 0);
        assertThat(out).containsExactly(1, 2, 3);
        assertThat(buffer.counters().get(ReliabilityStatus.DUPLICATE)).isEqualTo(2);
    }

    @Test
    void givesUpAGapAfterTheMaximumDelay() {
        push(1, 0);
        push(3, 10 * MS);
        push(4, 20 * MS);
        assertThat(out).containsExactly(1);
        assertThat(buffer.poll(59 * MS)).isZero();
        assertThat(buffer.poll(60 * MS)).isEqualTo(2);
        assertThat(out).containsExactly(1, 3, 4);
        assertThat(buffer.lostPackets()).isEqualTo(1);
        assertThat(push(2, 70 * MS)).isEqualTo(ReliabilityStatus.TOO_OLD);
    }

    @Test
    void givesUpAGapWhenFull() {
        push(0, 0);
        for (int s = 2; s <= 16; s++) {
            push(s, 0);
        }
        assertThat(out).containsExactly(0); // the ring holds 1..16: all but the missing 1 wait
        push(17, 0); // 17 would take 1's slot: 1 is given up
        assertThat(out).startsWith(0, 2, 3).endsWith(17).hasSize(17);
        assertThat(buffer.lostPackets()).isEqualTo(1);
    }

    @Test
    void jumpFarAheadRestarts() {
        push(10, 0);
        push(12, 0);
        push(5000, 0);
        assertThat(out).containsExactly(10, 12, 5000);
        assertThat(buffer.lostPackets()).isEqualTo(1 + (5000 - 13));
    }

    @Test
    void seededShuffleDeliversEveryPacketOnceInOrder() {
        Random r = new Random(7);
        List<Integer> seqs = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            seqs.add((60000 + i) & 0xFFFF);
        }
        // local shuffles within windows of 8, plus duplicates
        for (int i = 0; i + 8 <= seqs.size(); i += 8) {
            java.util.Collections.shuffle(seqs.subList(i, i + 8), r);
        }
        int dups = 0;
        for (int s : seqs) {
            push(s, 0);
            if (r.nextInt(20) == 0) {
                push(s, 0);
                dups++;
            }
        }
        assertThat(out).hasSize(2000);
        for (int i = 0; i < 2000; i++) {
            assertThat(out.get(i)).isEqualTo((60000 + i) & 0xFFFF);
        }
        assertThat(buffer.counters().get(ReliabilityStatus.DUPLICATE)).isEqualTo(dups);
    }
}
