package io.mediaplane.discord;

import io.mediaplane.stream.Codec;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * One received video frame after transport decryption, RTX unwrapping, depacketization, {@link FrameCrypto#open}
 * and (H264) parameter-set prepending: an Annex-B access unit or a VP8 frame. {@link #data()} is the leg's reused
 * buffer and valid only during {@link LegListener#onVideoFrame}: {@link #toByteArray()} copies what must outlive it.
 *
 * @param lostPackets packets missing before this frame (the leg has already asked for a keyframe when needed)
 * @param frameCrypto how {@link FrameCrypto#open} went: {@link FrameCryptoStatus#OK} means it produced the bytes
 * @param endToEndEncrypted the frame arrived end-to-end encrypted (DAVE) and {@link FrameCrypto#open} opened it
 */
public record VideoFrame(LegRole role, long userId, int ssrc, Codec codec, boolean keyframe, int rtpTimestamp,
        String streamType, String rid, MemorySegment data, int lostPackets, FrameCryptoStatus frameCrypto,
        boolean endToEndEncrypted) {

    public byte[] toByteArray() {
        return data.toArray(ValueLayout.JAVA_BYTE);
    }

    public int length() {
        return (int) data.byteSize();
    }
}
