package io.mediaplane.ffi;

/** Compares dotted version strings numerically ("1.0.20" &gt; "1.0.18"); non-digits end a component. */
final class Version {
    private Version() {}

    static int compare(String a, String b) {
        String[] pa = a.split("\\.");
        String[] pb = b.split("\\.");
        for (int i = 0; i < Math.max(pa.length, pb.length); i++) {
            long x = i < pa.length ? leadingNumber(pa[i]) : 0;
            long y = i < pb.length ? leadingNumber(pb[i]) : 0;
            if (x != y) {
                return Long.compare(x, y);
            }
        }
        return 0;
    }

    private static long leadingNumber(String s) {
        long v = 0;
        for (int i = 0; i < s.length() && Character.isDigit(s.charAt(i)) && i < 18; i++) {
            v = v * 10 + (s.charAt(i) - '0');
        }
        return v;
    }
}
