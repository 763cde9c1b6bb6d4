package io.mediaplane.rtp;

import io.mediaplane.buffer.Bytes;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * UDP datagrams out of a packet capture file: classic pcap (microsecond or nanosecond timestamps, either byte order)
 * or pcapng (section header, interface description, enhanced and simple packet blocks; other blocks are skipped),
 * over the link types a capture of RTP usually has: Ethernet (with VLAN tags), Linux cooked v1 and v2 ({@code tcpdump
 * -i any}), BSD loopback and raw IP. IPv4 (unfragmented) and IPv6 (UDP right after the fixed header).
 *
 * <p>A reusable, allocation-free iterator over the whole file in one segment. Captures are outside input: a
 * malformed file structure ends the iteration with {@link #status()} saying why; a malformed or non-UDP frame inside
 * is skipped and counted ({@link #skipped()}). Never throws on the bytes.
 */
public final class PcapReader {
    private static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort LE_SHORT =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int PCAPNG_SHB = 0x0A0D0D0A;
    private static final int PCAPNG_IDB = 1;
    private static final int PCAPNG_SPB = 3;
    private static final int PCAPNG_EPB = 6;
    private static final int MAX_INTERFACES = 64;
    // link types (tcpdump.org/linktypes.html)
    private static final int LINK_NULL = 0;
    private static final int LINK_ETHERNET = 1;
    private static final int LINK_RAW = 101;
    private static final int LINK_LOOP = 108;
    private static final int LINK_SLL = 113;
    private static final int LINK_IPV4 = 228;
    private static final int LINK_IPV6 = 229;
    private static final int LINK_SLL2 = 276;

    private MemorySegment s;
    private long end;
    private long pos;
    private boolean pcapng;
    private boolean littleEndian;
    private boolean nanos; // classic pcap
    private int linkType; // classic pcap
    private final int[] ifLinkType = new int[MAX_INTERFACES];
    private final long[] ifUnitsPerSecond = new long[MAX_INTERFACES];
    private int interfaces;
    private PacketStatus status = PacketStatus.TOO_SHORT;
    private long skipped;
    private long frames;
    // the current datagram
    private long timestampNanos;
    private long payloadOffset;
    private int payloadLength;
    private int sourcePort;
    private int destinationPort;

    /** Points the reader at a whole capture file; returns OK if its header is a pcap or pcapng one. */
    public PacketStatus open(MemorySegment file) {
        s = file;
        end = file.byteSize();
        interfaces = 0;
        skipped = 0;
        frames = 0;
        if (end < 24) {
            return status = PacketStatus.TOO_SHORT;
        }
        int magic = Bytes.i32(s, 0);
        switch (magic) {
            case 0xA1B2C3D4, 0xA1B23C4D, 0xD4C3B2A1, 0x4D3CB2A1 -> {
                pcapng = false;
                littleEndian = magic == 0xD4C3B2A1 || magic == 0x4D3CB2A1;
                nanos = magic == 0xA1B23C4D || magic == 0x4D3CB2A1;
                linkType = (int) u32(20) & 0x0FFF_FFFF; // the high bits hold FCS flags (pcap-savefile §linktype)
                pos = 24;
            }
            case PCAPNG_SHB -> {
                pcapng = true;
                pos = 0;
            }
            default -> {
                return status = PacketStatus.BAD_FORMAT;
            }
        }
        return status = PacketStatus.OK;
    }

    /**
     * Moves to the next UDP datagram; false at the end of the file or at a structure that cannot be read
     * ({@link #status()} is then not OK).
     */
    public boolean next() {
        while (status.ok() && pos < end) {
            if (pcapng ? nextBlock() : nextRecord()) {
                return true;
            }
        }
        return false;
    }

    private boolean nextRecord() {
        if (end - pos < 16) {
            status = PacketStatus.TOO_SHORT;
            return false;
        }
        long seconds = u32(pos);
        long fraction = u32(pos + 4);
        long captured = u32(pos + 8);
        long data = pos + 16;
        if (captured > end - data) {
            status = PacketStatus.BAD_LENGTH;
            return false;
        }
        pos = data + captured;
        timestampNanos = seconds * 1_000_000_000L + (nanos ? fraction : fraction * 1000);
        return frame(linkType, data, (int) captured);
    }

    private boolean nextBlock() {
        if (end - pos < 12) {
            status = PacketStatus.TOO_SHORT;
            return false;
        }
        int type = Bytes.i32(s, pos);
        if (type == PCAPNG_SHB) {
            // the byte-order magic decides how this section is read (pcapng §4.1)
            int bom = Bytes.i32(s, pos + 8);
            if (bom == 0x1A2B3C4D) {
                littleEndian = false;
            } else if (bom == 0x4D3C2B1A) {
                littleEndian = true;
            } else {
                status = PacketStatus.BAD_FORMAT;
                return false;
            }
            interfaces = 0;
        } else if (littleEndian) {
            type = Integer.reverseBytes(type);
        }
        long length = u32(pos + 4);
        if (length < 12 || (length & 3) != 0 || length > end - pos) {
            status = PacketStatus.BAD_LENGTH;
            return false;
        }
        long body = pos + 8;
        long bodyLength = length - 12;
        pos += length;
        switch (type) {
            case PCAPNG_IDB -> interfaceDescription(body, bodyLength);
            case PCAPNG_EPB -> {
                if (bodyLength < 20) {
                    skipped++;
                    return false;
                }
                long id = u32(body);
                long captured = u32(body + 12);
                if (id >= interfaces || captured > bodyLength - 20) {
                    skipped++;
                    return false;
                }
                long units = u32(body + 4) << 32 | u32(body + 8);
                timestampNanos = toNanos(units, ifUnitsPerSecond[(int) id]);
                return frame(ifLinkType[(int) id], body + 20, (int) captured);
            }
            case PCAPNG_SPB -> {
                if (bodyLength < 4 || interfaces == 0) {
                    skipped++;
                    return false;
                }
                long captured = Math.min(u32(body), bodyLength - 4);
                timestampNanos = 0; // simple packet blocks carry no time
                return frame(ifLinkType[0], body + 4, (int) captured);
            }
            default -> { } // section header, statistics, name resolution, ...: nothing to deliver
        }
        return false;
    }

    private void interfaceDescription(long body, long bodyLength) {
        if (bodyLength < 8 || interfaces == MAX_INTERFACES) {
            skipped++;
            return;
        }
        int link = u16(body);
        long unitsPerSecond = 1_000_000L; // default if_tsresol: microseconds (pcapng §4.2)
        long opt = body + 8;
        long optEnd = body + bodyLength;
        while (opt + 4 <= optEnd) {
            int code = u16(opt);
            int len = u16(opt + 2);
            if (code == 0 || opt + 4 + len > optEnd) {
                break;
            }
            if (code == 9 && len >= 1) { // if_tsresol: 10^-n, or 2^-n with the high bit set
                int r = Bytes.u8(s, opt + 4);
                int n = r & 0x7F;
                if ((r & 0x80) != 0) {
                    unitsPerSecond = n < 63 ? 1L << n : 0;
                } else {
                    unitsPerSecond = n <= 18 ? pow10(n) : 0;
                }
            }
            opt += 4 + ((len + 3) & ~3);
        }
        ifLinkType[interfaces] = link;
        ifUnitsPerSecond[interfaces] = unitsPerSecond;
        interfaces++;
    }

    private static long pow10(int n) {
        long v = 1;
        for (int i = 0; i < n; i++) {
            v *= 10;
        }
        return v;
    }

    private static long toNanos(long units, long perSecond) {
        if (perSecond <= 0) {
            return 0;
        }
        long seconds = Long.divideUnsigned(units, perSecond);
        long rest = Long.remainderUnsigned(units, perSecond);
        return seconds * 1_000_000_000L + (long) ((double) rest * 1e9 / perSecond);
    }

    /** Finds the UDP datagram in one link-layer frame; counts and skips anything else. */
    private boolean frame(int link, long at, int length) {
        frames++;
        long p = at;
        long stop = at + length;
        int ethertype;
        switch (link) {
            case LINK_ETHERNET -> {
                if (length < 14) {
                    return skip();
                }
                ethertype = Bytes.u16(s, p + 12);
                p += 14;
                while ((ethertype == 0x8100 || ethertype == 0x88A8) && stop - p >= 4) { // 802.1Q / 802.1ad tags
                    ethertype = Bytes.u16(s, p + 2);
                    p += 4;
                }
            }
            case LINK_SLL -> {
                if (length < 16) {
                    return skip();
                }
                ethertype = Bytes.u16(s, p + 14);
                p += 16;
            }
            case LINK_SLL2 -> {
                if (length < 20) {
                    return skip();
                }
                ethertype = Bytes.u16(s, p);
                p += 20;
            }
            case LINK_NULL, LINK_LOOP -> {
                if (length < 4) {
                    return skip();
                }
                int family = link == LINK_LOOP ? Bytes.i32(s, p)
                        : littleEndian ? s.get(LE_INT, p) : Bytes.i32(s, p);
                ethertype = family == 2 ? 0x0800 : family == 24 || family == 28 || family == 30 ? 0x86DD : 0;
                p += 4;
            }
            case LINK_RAW, LINK_IPV4, LINK_IPV6 -> {
                if (length < 1) {
                    return skip();
                }
                int version = Bytes.u8(s, p) >>> 4;
                ethertype = version == 4 ? 0x0800 : version == 6 ? 0x86DD : 0;
            }
            default -> {
                return skip();
            }
        }
        return switch (ethertype) {
            case 0x0800 -> ipv4(p, stop);
            case 0x86DD -> ipv6(p, stop);
            default -> skip();
        };
    }

    private boolean ipv4(long p, long stop) {
        if (stop - p < 20 || Bytes.u8(s, p) >>> 4 != 4) {
            return skip();
        }
        int headerLength = 4 * (Bytes.u8(s, p) & 0x0F);
        int total = Bytes.u16(s, p + 2);
        int fragment = Bytes.u16(s, p + 6);
        if (headerLength < 20 || total < headerLength || Bytes.u8(s, p + 9) != 17
                || (fragment & 0x3FFF) != 0) { // not UDP, or a fragment (MF set or offset non-zero)
            return skip();
        }
        return udp(p + headerLength, Math.min(stop, p + total));
    }

    private boolean ipv6(long p, long stop) {
        if (stop - p < 40 || Bytes.u8(s, p) >>> 4 != 6 || Bytes.u8(s, p + 6) != 17) {
            return skip();
        }
        return udp(p + 40, Math.min(stop, p + 40 + Bytes.u16(s, p + 4)));
    }

    private boolean udp(long p, long stop) {
        if (stop - p < 8) {
            return skip();
        }
        int length = Bytes.u16(s, p + 4);
        if (length < 8) {
            return skip();
        }
        sourcePort = Bytes.u16(s, p);
        destinationPort = Bytes.u16(s, p + 2);
        payloadOffset = p + 8;
        payloadLength = (int) Math.min(length - 8, stop - payloadOffset); // a snap length may have cut it
        return true;
    }

    private boolean skip() {
        skipped++;
        return false;
    }

    private long u32(long at) {
        return littleEndian ? s.get(LE_INT, at) & 0xFFFF_FFFFL : Bytes.u32(s, at);
    }

    private int u16(long at) {
        return littleEndian ? s.get(LE_SHORT, at) & 0xFFFF : Bytes.u16(s, at);
    }

    /** OK while reading; why reading stopped early otherwise. */
    public PacketStatus status() {
        return status;
    }

    public boolean isPcapng() {
        return pcapng;
    }

    /** The file, which the payload offsets refer to. */
    public MemorySegment segment() {
        return s;
    }

    /** Capture time of the current datagram, nanoseconds since the Unix epoch (0 for pcapng simple blocks). */
    public long timestampNanos() {
        return timestampNanos;
    }

    public long payloadOffset() {
        return payloadOffset;
    }

    public int payloadLength() {
        return payloadLength;
    }

    public int sourcePort() {
        return sourcePort;
    }

    public int destinationPort() {
        return destinationPort;
    }

    /** Link-layer frames read so far. */
    public long frames() {
        return frames;
    }

    /** Frames that were not (well-formed, unfragmented) UDP, or blocks that could not be used. */
    public long skipped() {
        return skipped;
    }
}
