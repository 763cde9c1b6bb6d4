package io.mediaplane.bench;

import io.mediaplane.buffer.PacketBuffer;
import io.mediaplane.buffer.PacketPool;
import io.mediaplane.reliability.NackGenerator;
import io.mediaplane.reliability.RetransmissionHistory;
import io.mediaplane.rtp.RtpHeader;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.agrona.collections.Long2ObjectHashMap;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * NACK/RTX bookkeeping per RTP packet, steady state (2 s / 2048 packets of history full, old packets evicted):
 *
 * <ul>
 *   <li>send side: keep a copy of each 1200-byte packet sent for retransmission. Ours:
 *       {@link RetransmissionHistory#store} (ring indexed by sequence number, pooled slots reused in place).
 *       Baseline: the common Java shape, Agrona's {@code Long2ObjectHashMap} of {@code byte[]} copies plus an
 *       {@code ArrayDeque} for eviction order by count and age. Also ours without the copy:
 *       {@link RetransmissionHistory#retain} takes the sent buffer itself.</li>
 *   <li>fan-out: one packet remembered by each of 500 viewers' histories (512 packets each, as
 *       {@code ViewerSession} has them), round after round — {@link RetransmissionHistory#store}'s copy into slots
 *       that are cold by the time they come round again, against {@link RetransmissionHistory#storeReference}
 *       (a ticket to the publisher's one copy). Per viewer.</li>
 *   <li>receive side: track arrivals and missing packets with 2% loss, asking for what is due every 16 packets.
 *       Ours: {@link NackGenerator#onPacket} and {@link NackGenerator#collect}. Baseline: a
 *       {@code Long2ObjectHashMap} of per-missing-packet entries, iterated to collect.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 3, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class NackRtxBenchmark {
    private static final int PACKET = 1200;
    private static final int HISTORY = 2048;
    private static final long MAX_AGE = 2_000_000_000L;
    private static final long PACKET_INTERVAL = 1_000_000L; // 1000 packets/s: 8 Mbit/s of 1200-byte packets

    private PacketPool pool;
    private RetransmissionHistory history;
    private PacketPool retainPool;
    private RetransmissionHistory retainHistory;
    private PacketPool cyclePool;
    private final PacketBuffer[] cycleRing = new PacketBuffer[HISTORY];
    private final byte[] packet = new byte[PACKET];
    private final MemorySegment packetSegment = MemorySegment.ofArray(packet);
    private int seq;
    private long now;

    private final Long2ObjectHashMap<byte[]> baselineHistory = new Long2ObjectHashMap<>();
    private final ArrayDeque<long[]> baselineOrder = new ArrayDeque<>(); // {seq, storedAt}

    private NackGenerator nack;
    private final int[] due = new int[NackGenerator.MAX_PER_NACK];
    private int receiveSeq;
    private long receiveNow;
    private int counter;

    private final Long2ObjectHashMap<Missing> baselineMissing = new Long2ObjectHashMap<>();
    private long baselineHighest = -1;

    /** The baseline's per-missing-packet state. */
    static final class Missing {
        final long since;
        long lastRequest = Long.MIN_VALUE;
        int retries;

        Missing(long since) {
            this.since = since;
        }
    }

    @Setup
    public void setUp() {
        pool = PacketPool.heap(HISTORY + 16, 1500);
        history = new RetransmissionHistory(pool, HISTORY, MAX_AGE);
        retainPool = PacketPool.heap(HISTORY + 16, 1500);
        retainHistory = new RetransmissionHistory(retainPool, HISTORY, MAX_AGE);
        cyclePool = PacketPool.heap(HISTORY + 16, 1500);
        nack = new NackGenerator().rttNanos(20_000_000L);
        RtpHeader.write(packetSegment, 0, false, 96, 0, 0, 0x1234);
        for (int i = 0; i < 3 * HISTORY; i++) { // fill both histories: steady state evicts one per packet
            historyStore();
            historyRetain();
            poolCycleOnly();
            baselineStore();
        }
    }

    @TearDown
    public void tearDown() {
        history.close();
        pool.close();
        retainHistory.close();
        retainPool.close();
        for (PacketBuffer b : cycleRing) {
            if (b != null) {
                b.release();
            }
        }
        cyclePool.close();
    }

    /** 500 viewers' histories: each publisher packet is stored by every one of them. */
    @State(Scope.Thread)
    public static class FanOutHistories {
        static final int VIEWERS = 500;
        static final int VIEWER_HISTORY = 512;
        final RetransmissionHistory[] copies = new RetransmissionHistory[VIEWERS];
        final RetransmissionHistory[] references = new RetransmissionHistory[VIEWERS];
        final byte[] packet = new byte[PACKET];
        final MemorySegment packetSegment = MemorySegment.ofArray(packet);
        int seq;
        long now;
        long ticket;

        @Setup
        public void setUp() {
            RtpHeader.write(packetSegment, 0, false, 96, 0, 0, 0x1234);
            for (int v = 0; v < VIEWERS; v++) {
                copies[v] = new RetransmissionHistory(PacketPool.heap(VIEWER_HISTORY + 32, 1600), VIEWER_HISTORY,
                        MAX_AGE);
                references[v] = new RetransmissionHistory(PacketPool.heap(64, 1600), VIEWER_HISTORY, MAX_AGE)
                        .regenerator((ref, sequence, dst, off, cap) -> -1);
            }
            for (int i = 0; i < 2 * VIEWER_HISTORY; i++) { // full: each store evicts
                storeCopies();
                storeReferences();
            }
        }

        int storeCopies() {
            RtpHeader.setSequenceNumber(packetSegment, 0, seq);
            int ok = 0;
            for (RetransmissionHistory h : copies) {
                ok += h.store(packetSegment, 0, PACKET, now).ok() ? 1 : 0;
            }
            seq = (seq + 1) & 0xFFFF;
            now += PACKET_INTERVAL;
            return ok;
        }

        int storeReferences() {
            int ok = 0;
            for (RetransmissionHistory h : references) {
                ok += h.storeReference(seq, ticket, now).ok() ? 1 : 0;
            }
            ticket++;
            seq = (seq + 1) & 0xFFFF;
            now += PACKET_INTERVAL;
            return ok;
        }
    }

    @Benchmark
    @org.openjdk.jmh.annotations.OperationsPerInvocation(FanOutHistories.VIEWERS)
    public int fanOutStoreCopy(FanOutHistories h) {
        return h.storeCopies();
    }

    @Benchmark
    @org.openjdk.jmh.annotations.OperationsPerInvocation(FanOutHistories.VIEWERS)
    public int fanOutStoreReference(FanOutHistories h) {
        return h.storeReferences();
    }

    @Benchmark
    public Object historyStore() {
        RtpHeader.setSequenceNumber(packetSegment, 0, seq);
        seq = (seq + 1) & 0xFFFF;
        now += PACKET_INTERVAL;
        return history.store(packetSegment, 0, PACKET, now);
    }

    /** Zero-copy variant: the history takes the sent buffer itself (the sender acquires one per packet anyway). */
    @Benchmark
    public Object historyRetain() {
        PacketBuffer b = retainPool.acquire();
        b.length(PACKET);
        RtpHeader.write(b.segment(), b.offset(), false, 96, seq, 0, 0x1234);
        seq = (seq + 1) & 0xFFFF;
        now += PACKET_INTERVAL;
        return retainHistory.retain(b, now);
    }

    /**
     * What {@link #historyRetain} costs without the history: the same pool acquire, header write into a slot and
     * release of the buffer acquired 2048 packets earlier. The difference is the history's own bookkeeping.
     */
    @Benchmark
    public Object poolCycleOnly() {
        PacketBuffer b = cyclePool.acquire();
        b.length(PACKET);
        RtpHeader.write(b.segment(), b.offset(), false, 96, seq, 0, 0x1234);
        seq = (seq + 1) & 0xFFFF;
        now += PACKET_INTERVAL;
        int i = (int) (now / PACKET_INTERVAL) & (HISTORY - 1);
        PacketBuffer old = cycleRing[i];
        if (old != null) {
            old.release();
        }
        cycleRing[i] = b;
        return b;
    }

    @Benchmark
    public Object baselineStore() {
        RtpHeader.setSequenceNumber(packetSegment, 0, seq);
        long key = seq;
        seq = (seq + 1) & 0xFFFF;
        now += PACKET_INTERVAL;
        while (!baselineOrder.isEmpty() && (baselineOrder.size() >= HISTORY
                || now - baselineOrder.peekFirst()[1] >= MAX_AGE)) {
            baselineHistory.remove(baselineOrder.pollFirst()[0]);
        }
        baselineHistory.put(key, packet.clone());
        baselineOrder.addLast(new long[] {key, now});
        return baselineHistory;
    }

    /** 2% loss: every 50th sequence number never arrives. */
    private int nextReceived() {
        receiveSeq = (receiveSeq + 1) & 0xFFFF;
        if (receiveSeq % 50 == 0) {
            receiveSeq = (receiveSeq + 1) & 0xFFFF;
        }
        receiveNow += PACKET_INTERVAL;
        return receiveSeq;
    }

    @Benchmark
    public int nackTrack() {
        int s = nextReceived();
        nack.onPacket(s, receiveNow);
        if ((++counter & 15) == 0) {
            return nack.collect(receiveNow, due);
        }
        return s;
    }

    @Benchmark
    public int baselineNackTrack() {
        int s = nextReceived();
        long ext = s; // the baseline keeps 16-bit keys and resets across the wrap, which favours it
        if (baselineHighest >= 0 && ext > baselineHighest + 1) {
            for (long m = baselineHighest + 1; m < ext; m++) {
                baselineMissing.put(m, new Missing(receiveNow));
            }
        } else {
            baselineMissing.remove(ext);
        }
        baselineHighest = ext < baselineHighest - 30000 ? ext : Math.max(baselineHighest, ext);
        if ((++counter & 15) == 0) {
            int n = 0;
            var it = baselineMissing.values().iterator();
            while (it.hasNext()) {
                Missing m = it.next();
                if (m.retries >= 10 || receiveNow - m.since >= 1_000_000_000L) {
                    it.remove();
                } else if (m.lastRequest == Long.MIN_VALUE || receiveNow - m.lastRequest >= 20_000_000L) {
                    m.lastRequest = receiveNow;
                    m.retries++;
                    n++;
                }
            }
            return n;
        }
        return s;
    }
}
