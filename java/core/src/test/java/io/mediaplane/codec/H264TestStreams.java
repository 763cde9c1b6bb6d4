package io.mediaplane.codec;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Access units for tests: split, inspect and make up (seeded, so failures reproduce). Shared by the tests of
 * the packages above codec, so an access unit is split one way everywhere. */
public final class H264TestStreams {
    private H264TestStreams() {}

    /** The NAL units of an Annex-B access unit, without start codes. */
    public static List<byte[]> nals(byte[] au) {
        long[] offs = new long[4096];
        int[] lens = new int[4096];
        int n = AnnexB.split(MemorySegment.ofArray(au), 0, au.length, offs, lens);
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] b = new byte[lens[i]];
            System.arraycopy(au, (int) offs[i], b, 0, lens[i]);
            out.add(b);
        }
        return out;
    }

    /** The NAL unit types of an Annex-B access unit, in order. */
    public static List<Integer> nalTypes(byte[] au) {
        return nals(au).stream().map(n -> H264.type(n[0])).toList();
    }

    static boolean hasNal(byte[] au, int type) {
        return nals(au).stream().anyMatch(n -> H264.type(n[0]) == type);
    }

    /** Joins NAL units with four-byte start codes, as the depacketizer writes them. */
    static byte[] annexB(List<byte[]> nals) {
        int size = nals.stream().mapToInt(n -> n.length + 4).sum();
        byte[] out = new byte[size];
        int p = 0;
        for (byte[] n : nals) {
            out[p + 3] = 1;
            System.arraycopy(n, 0, out, p + 4, n.length);
            p += 4 + n.length;
        }
        return out;
    }

    /**
     * A random NAL unit of {@code type} and {@code length} bytes whose body never holds a start code or ends in a
     * zero byte (what emulation prevention guarantees a real one), with first_mb_in_slice 0 for slices when
     * {@code firstSlice}.
     */
    static byte[] nal(Random r, int type, int length, boolean firstSlice) {
        byte[] b = new byte[length];
        b[0] = (byte) (0x60 | type);
        for (int i = 1; i < length; i++) {
            int v = r.nextInt(256);
            if (i >= 2 && b[i - 1] == 0 && b[i - 2] == 0 && v <= 3) {
                v = 3 + r.nextInt(2) * 100; // 00 00 03 or 00 00 x>3
            }
            b[i] = (byte) v;
        }
        if (length > 1) {
            if (H264.isVcl(type)) {
                b[1] = (byte) (firstSlice ? (b[1] | 0x80) : (b[1] & 0x7F) | 0x40);
            }
            if (b[length - 1] == 0) {
                b[length - 1] = (byte) 0x80;
            }
        }
        return b;
    }

    /** A made-up access unit: optional AUD/SPS/PPS/SEI, then 1..4 slices of random sizes up to {@code maxSlice}. */
    static List<byte[]> randomAccessUnit(Random r, boolean idr, int maxSlice) {
        List<byte[]> nals = new ArrayList<>();
        if (r.nextBoolean()) {
            nals.add(new byte[] {0x09, (byte) 0xF0});
        }
        if (idr) {
            nals.add(nal(r, H264.SPS, 8 + r.nextInt(20), false));
            nals.add(nal(r, H264.PPS, 3 + r.nextInt(6), false));
        }
        if (r.nextInt(3) == 0) {
            nals.add(nal(r, H264.SEI, 2 + r.nextInt(700), false));
        }
        int slices = 1 + r.nextInt(4);
        for (int i = 0; i < slices; i++) {
            int len = 2 + r.nextInt(r.nextBoolean() ? 300 : maxSlice);
            nals.add(nal(r, idr ? H264.IDR_SLICE : H264.NON_IDR_SLICE, len, i == 0));
        }
        return nals;
    }
}
