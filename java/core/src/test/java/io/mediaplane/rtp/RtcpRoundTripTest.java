package io.mediaplane.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whatever the writers produce, the views read back exactly: 400 random compounds, each an SR or RR followed by
 * random SDES, BYE, APP, NACK, PLI, FIR, REMB and transport-cc packets, the last one sometimes padded.
 * Reproducible by seed.
 */
class RtcpRoundTripTest {
    static LongStream seeds() {
        return LongStream.range(0, 400);
    }

    /** One packet written, and how to check what the compound reads back at its position. */
    private interface Written {
        void check(RtcpCompound c);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void everyWriterRoundTripsThroughTheCompoundIterator(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        MemorySegment s = MemorySegment.ofArray(new byte[1 << 18]);
        List<Written> written = new ArrayList<>();
        long pos = r.nextBoolean() ? senderReport(r, s, 0, written) : receiverReport(r, s, 0, written);
        long last = 0;
        for (int n = r.nextInt(8); n > 0; n--) {
            last = pos;
            pos += switch (r.nextInt(8)) {
                case 0 -> sdes(r, s, pos, written);
                case 1 -> bye(r, s, pos, written);
                case 2 -> app(r, s, pos, written);
                case 3 -> nack(r, s, pos, written);
                case 4 -> pli(r, s, pos, written);
                case 5 -> fir(r, s, pos, written);
                case 6 -> remb(r, s, pos, written);
                default -> transportCc(r, s, pos, written);
            };
        }
        boolean padded = r.nextInt(4) == 0;
        if (padded) {
            pos += RtcpHeader.appendPadding(s, last, 4 * (1 + r.nextInt(63)));
        }

        RtcpCompound c = new RtcpCompound();
        assertThat(c.wrap(s, 0, (int) pos)).isEqualTo(PacketStatus.OK);
        assertThat(c.packetCount()).isEqualTo(written.size());
        for (Written w : written) {
            assertThat(c.next()).isTrue();
            w.check(c);
        }
        assertThat(c.next()).isFalse();
        assertThat(c.padded()).isEqualTo(padded);
    }

    private static long senderReport(SplittableRandom r, MemorySegment s, long off, List<Written> out) {
        int ssrc = r.nextInt();
        long ntp = r.nextLong();
        int rtp = r.nextInt();
        long packets = r.nextLong(1L << 32);
        long octets = r.nextLong(1L << 32);
        int n = RtcpSenderReport.write(s, off, ssrc, ntp, rtp, packets, octets);
        long[][] blocks = blocks(r, s, off);
        out.add(c -> {
            RtcpSenderReport sr = new RtcpSenderReport();
            assertThat(c.read(sr)).isEqualTo(PacketStatus.OK);
            assertThat(sr.senderSsrc()).isEqualTo(ssrc);
            assertThat(sr.ntpTimestamp()).isEqualTo(ntp);
            assertThat(sr.compactNtp()).isEqualTo((ntp >>> 16) & 0xFFFF_FFFFL);
            assertThat(sr.rtpTimestamp()).isEqualTo(rtp);
            assertThat(sr.packetCount()).isEqualTo(packets);
            assertThat(sr.octetCount()).isEqualTo(octets);
            assertThat(sr.reportCount()).isEqualTo(blocks.length);
            RtcpReportBlock b = new RtcpReportBlock();
            for (int i = 0; i < blocks.length; i++) {
                checkBlock(sr.reportBlock(i, b), blocks[i]);
            }
        });
        return n + RtcpReportBlock.LENGTH * blocks.length;
    }

    private static long receiverReport(SplittableRandom r, MemorySegment s, long off, List<Written> out) {
        int ssrc = r.nextInt();
        int n = RtcpReceiverReport.write(s, off, ssrc);
        long[][] blocks = blocks(r, s, off);
        out.add(c -> {
            RtcpReceiverReport rr = new RtcpReceiverReport();
            assertThat(c.read(rr)).isEqualTo(PacketStatus.OK);
            assertThat(rr.senderSsrc()).isEqualTo(ssrc);
            assertThat(rr.reportCount()).isEqualTo(blocks.length);
            RtcpReportBlock b = new RtcpReportBlock();
            for (int i = 0; i < blocks.length; i++) {
                checkBlock(rr.reportBlock(i, b), blocks[i]);
            }
        });
        return n + RtcpReportBlock.LENGTH * blocks.length;
    }

    /** Appends 0..31 random blocks to the report at {@code off}; returns their fields. */
    private static long[][] blocks(SplittableRandom r, MemorySegment s, long off) {
        long[][] blocks = new long[r.nextInt(32)][];
        for (int i = 0; i < blocks.length; i++) {
            long[] b = {r.nextInt(), r.nextInt(256), r.nextInt(-0x80_0000, 0x80_0000), r.nextLong(1L << 32),
                r.nextLong(1L << 32), r.nextLong(1L << 32), r.nextLong(1L << 32)};
            RtcpReportBlock.append(s, off, (int) b[0], (int) b[1], (int) b[2], b[3], b[4], b[5], b[6]);
            blocks[i] = b;
        }
        return blocks;
    }

    private static void checkBlock(RtcpReportBlock b, long[] expected) {
        assertThat(new long[] {b.ssrc(), b.fractionLost(), b.cumulativeLost(), b.extendedHighestSequence(),
            b.jitter(), b.lastSenderReport(), b.delaySinceLastSenderReport()}).containsExactly(expected);
    }

    private static long sdes(SplittableRandom r, MemorySegment s, long off, List<Written> out) {
        int n = RtcpSdes.writeEmpty(s, off);
        int chunks = r.nextInt(6);
        List<String> items = new ArrayList<>();
        int[] ssrcs = new int[chunks];
        for (int c = 0; c < chunks; c++) {
            ssrcs[c] = r.nextInt();
            n += RtcpSdes.appendChunk(s, off, ssrcs[c]);
            for (int i = r.nextInt(5); i > 0; i--) {
                int type = 1 + r.nextInt(8);
                byte[] text = new byte[r.nextInt(256)];
                for (int k = 0; k < text.length; k++) {
                    text[k] = (byte) ('a' + r.nextInt(26));
                }
                n += RtcpSdes.appendItem(s, off, type, text);
                items.add(ssrcs[c] + "/" + type + "/" + new String(text));
            }
        }
        assertThat(n % 4).isZero();
        int length = n;
        out.add(c -> {
            RtcpSdes v = new RtcpSdes();
            assertThat(c.read(v)).isEqualTo(PacketStatus.OK);
            assertThat(v.length()).isGreaterThanOrEqualTo(length);
            assertThat(v.chunkCount()).isEqualTo(chunks);
            for (int i = 0; i < chunks; i++) {
                assertThat(v.chunkSsrc(i)).isEqualTo(ssrcs[i]);
            }
            List<String> read = new ArrayList<>();
            while (v.nextItem()) {
                read.add(v.itemSsrc() + "/" + v.itemType() + "/" + v.itemText());
            }
            assertThat(read).containsExactlyElementsOf(items);
        });
        return n;
    }

    private static long bye(SplittableRandom r, MemorySegment s, long off, List<Written> out) {
        int[] ssrcs = r.ints(r.nextInt(32)).toArray();
        byte[] reason = null;
        if (r.nextBoolean()) {
            reason = new byte[r.nextInt(256)];
            for (int k = 0; k < reason.length; k++) {
                reason[k] = (byte) (' ' + r.nextInt(95));
            }
        }
        String expectedReason = reason == null ? null : new String(reason);
        int n = RtcpBye.write(s, off, ssrcs, ssrcs.length, reason);
        assertThat(n).isEqualTo(RtcpBye.length(ssrcs.length, reason == null ? -1 : reason.length));
        out.add(c -> {
            RtcpBye v = new RtcpBye();
            assertThat(c.read(v)).isEqualTo(PacketStatus.OK);
            assertThat(v.ssrcCount()).isEqualTo(ssrcs.length);
            for (int i = 0; i < ssrcs.length; i++) {
                assertThat(v.ssrc(i)).isEqualTo(ssrcs[i]);
            }
            assertThat(v.reason()).isEqualTo(expectedReason);
        });
        return n;
    }

    private static long app(SplittableRandom r, MemorySegment s, long off, List<Written> out) {
        int subtype = r.nextInt(32);
        int ssrc = r.nextInt();
        int name = r.nextInt();
        byte[] data = new byte[4 * r.nextInt(17)];
        r.nextBytes(data);
        int n = RtcpApp.write(s, off, subtype, ssrc, name, MemorySegment.ofArray(data), 0, data.length);
        out.add(c -> {
            RtcpApp v = new RtcpApp();
            assertThat(c.read(v)).isEqualTo(PacketStatus.OK);
            assertThat(v.subtype()).isEqualTo(subtype);
            assertThat(v.ssrc()).isEqualTo(ssrc);
            assertThat(v.name()).isEqualTo(name);
            byte[] read = v.segment().asSlice(v.dataOffset(), v.dataLength()).toArray(ValueLayout.JAVA_BYTE);
            assertThat(read).containsExactly(data);
        });
        return n;
    }

    private static long nack(SplittableRandom r, MemorySegment s, long off, List<Written> out) {
        int sender = r.nextInt();
        int media = r.nextInt();
        // lost sequence numbers in RTP order, often across the 16-bit wrap
        int[] lost = new int[1 + r.nextInt(80)];
        int seq = r.nextInt(65536);
        for (int i = 0; i < lost.length; i++) {
            lost[i] = seq;
            seq = (seq + 1 + (r.nextInt(3) == 0 ? r.nextInt(40) : 0)) & 0xFFFF;
        }
        int n = RtcpNack.write(s, off, sender, media, lost, lost.length);
        assertThat(n).isEqualTo(RtcpNack.length(lost, lost.length));
        out.add(c -> {
            RtcpNack v = new RtcpNack();
            assertThat(c.read(v)).isEqualTo(PacketStatus.OK);
            assertThat(v.senderSsrc()).isEqualTo(sender);
            assertThat(v.mediaSsrc()).isEqualTo(media);
            List<Integer> read = new ArrayList<>();
            assertThat(v.forEachLost(read::add)).isEqualTo(lost.length);
            assertThat(read).containsExactly(Arrays.stream(lost).boxed().toArray(Integer[]::new));
            assertThat(v.lostCount()).isEqualTo(lost.length);
            // packed densely: an entry per run of up to 17 within reach of its PID
            for (int i = 1; i < v.pairCount(); i++) {
                assertThat((v.pid(i) - v.pid(i - 1)) & 0xFFFF).isGreaterThan(16);
            }
        });
        return n;
    }

    private static long pli(SplittableRandom r, MemorySegment s, long off, List<Written> out) {
        int sender = r.nextInt();
        int media = r.nextInt();
        int n = RtcpPli.write(s, off, sender, media);
        out.add(c -> {
            RtcpPli v = new RtcpPli();
            assertThat(c.read(v)).isEqualTo(PacketStatus.OK);
            assertThat(v.senderSsrc()).isEqualTo(sender);
            assertThat(v.mediaSsrc()).isEqualTo(media);
        });
        return n;
    }

    private static long fir(SplittableRandom r, MemorySegment s, long off, List<Written> out) {
        int sender = r.nextInt();
        int[] ssrcs = r.ints(1 + r.nextInt(6)).toArray();
        int[] seqs = r.ints(ssrcs.length, 0, 256).toArray();
        int n = RtcpFir.write(s, off, sender, ssrcs[0], seqs[0]);
        for (int i = 1; i < ssrcs.length; i++) {
            n += RtcpFir.appendEntry(s, off, ssrcs[i], seqs[i]);
        }
        out.add(c -> {
            RtcpFir v = new RtcpFir();
            assertThat(c.read(v)).isEqualTo(PacketStatus.OK);
            assertThat(v.senderSsrc()).isEqualTo(sender);
            assertThat(v.mediaSsrc()).isZero();
            assertThat(v.entryCount()).isEqualTo(ssrcs.length);
            for (int i = 0; i < ssrcs.length; i++) {
                assertThat(v.entrySsrc(i)).isEqualTo(ssrcs[i]);
                assertThat(v.entrySequence(i)).isEqualTo(seqs[i]);
            }
        });
        return n;
    }

    private static long remb(SplittableRandom r, MemorySegment s, long off, List<Written> out) {
        int sender = r.nextInt();
        long bitrate = r.nextLong(1L << (1 + r.nextInt(62)));
        int[] ssrcs = r.ints(r.nextInt(12)).toArray();
        int n = RtcpRemb.write(s, off, sender, bitrate, ssrcs, ssrcs.length);
        out.add(c -> {
            RtcpRemb v = new RtcpRemb();
            assertThat(c.read(v)).isEqualTo(PacketStatus.OK);
            assertThat(v.senderSsrc()).isEqualTo(sender);
            assertThat(v.ssrcCount()).isEqualTo(ssrcs.length);
            for (int i = 0; i < ssrcs.length; i++) {
                assertThat(v.ssrc(i)).isEqualTo(ssrcs[i]);
            }
            // rounded down to 18 significant bits, never up
            assertThat(v.bitrate()).isLessThanOrEqualTo(bitrate);
            assertThat(bitrate - v.bitrate()).isLessThan(Math.max(1, Long.highestOneBit(bitrate) >>> 17));
            assertThat(v.mantissa()).isLessThanOrEqualTo(RtcpRemb.MAX_MANTISSA);
        });
        return n;
    }

    private static long transportCc(SplittableRandom r, MemorySegment s, long off, List<Written> out) {
        int count = 1 + r.nextInt(r.nextBoolean() ? 40 : 3000);
        int base = r.nextInt(65536);
        int fbCount = r.nextInt(256);
        long[] arrivals = new long[count];
        long t = r.nextLong(-100_000_000_000L, 100_000_000_000L);
        int lossPercent = r.nextInt(60);
        for (int i = 0; i < count; i++) {
            // mostly small steps, sometimes long gaps or reordering (negative deltas)
            t += switch (r.nextInt(10)) {
                case 0 -> r.nextLong(-2_000_000, 0);
                case 1 -> r.nextLong(64_000, 3_000_000);
                default -> r.nextLong(0, 20_000);
            };
            arrivals[i] = r.nextInt(100) < lossPercent ? RtcpTransportCcWriter.NOT_RECEIVED : t;
        }
        RtcpTransportCcWriter w = new RtcpTransportCcWriter(count).reset(r.nextInt(), r.nextInt(), base, fbCount);
        for (long a : arrivals) {
            assertThat(w.add(a)).isTrue();
        }
        int n = w.write(s, off);
        assertThat(n).isEqualTo(w.length()).isEqualTo(RtcpHeader.packetLength(s, off));
        out.add(c -> {
            RtcpTransportCc v = new RtcpTransportCc();
            assertThat(c.read(v)).isEqualTo(PacketStatus.OK);
            assertThat(v.baseSequence()).isEqualTo(base);
            assertThat(v.packetStatusCount()).isEqualTo(count);
            assertThat(v.feedbackPacketCount()).isEqualTo(fbCount);
            int i = 0;
            while (v.nextPacket()) {
                assertThat(v.packetSequence()).isEqualTo((base + i) & 0xFFFF);
                if (arrivals[i] == RtcpTransportCcWriter.NOT_RECEIVED) {
                    assertThat(v.packetReceived()).as("packet %d", i).isFalse();
                } else {
                    assertThat(v.packetReceived()).as("packet %d", i).isTrue();
                    assertThat(v.packetArrivalMicros()).as("packet %d", i)
                            .isEqualTo(Math.floorDiv(arrivals[i], 250) * 250);
                    int expectedStatus = v.packetDeltaTicks() >= 0 && v.packetDeltaTicks() <= 255
                            ? RtcpTransportCc.RECEIVED_SMALL_DELTA
                            : RtcpTransportCc.RECEIVED_LARGE_DELTA;
                    assertThat(v.packetStatus()).isEqualTo(expectedStatus);
                }
                i++;
            }
            assertThat(i).isEqualTo(count);
        });
        return n;
    }
}
