package io.mediaplane.video;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * MD5 of a picture as FFmpeg's {@code framemd5} muxer computes it for {@code yuv420p}: the visible rows of Y, then U,
 * then V, tightly packed (no stride padding), so a decode can be compared with FFmpeg's frame by frame.
 */
public final class FrameMd5 {
    private final MessageDigest md5;
    private byte[] row = new byte[0];

    public FrameMd5() {
        try {
            md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no MD5", e); // every Java SE provides it
        }
    }

    /** The lowercase hex MD5 of {@code picture}'s packed I420 bytes. */
    public String hash(I420Picture picture) {
        md5.reset();
        int cw = I420Picture.chromaWidth(picture.width());
        int ch = I420Picture.chromaHeight(picture.height());
        plane(picture.y(), picture.strideY(), picture.width(), picture.height());
        plane(picture.u(), picture.strideUv(), cw, ch);
        plane(picture.v(), picture.strideUv(), cw, ch);
        return HexFormat.of().formatHex(md5.digest());
    }

    private void plane(MemorySegment plane, int stride, int width, int rows) {
        if (row.length < width) {
            row = new byte[width];
        }
        for (int r = 0; r < rows; r++) {
            MemorySegment.copy(plane, ValueLayout.JAVA_BYTE, (long) r * stride, row, 0, width);
            md5.update(row, 0, width);
        }
    }
}
