package io.mediaplane.video;

import java.lang.foreign.MemorySegment;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * MD5 of a picture as FFmpeg's {@code framemd5} muxer computes it for {@code yuv420p}: the visible rows of Y, then U,
 * then V, tightly packed (no stride padding), so a decode can be compared with FFmpeg's frame by frame.
 */
public final class FrameMd5 {
    private final MessageDigest md5;
    private byte[] packed = new byte[0];

    public FrameMd5() {
        try {
            md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no MD5", e); // every Java SE provides it
        }
    }

    /** The lowercase hex MD5 of {@code picture}'s packed I420 bytes. */
    public String hash(I420Picture picture) {
        long size = I420Picture.packedSize(picture.width(), picture.height());
        if (packed.length < size) {
            packed = new byte[Math.toIntExact(size)];
        }
        I420Copy.toPacked(picture, MemorySegment.ofArray(packed));
        md5.reset();
        md5.update(packed, 0, (int) size);
        return HexFormat.of().formatHex(md5.digest());
    }
}
