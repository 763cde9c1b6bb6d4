package io.mediaplane.discord;

import io.mediaplane.stream.Codec;

import java.lang.foreign.MemorySegment;

/**
 * End-to-end frame encryption between the depacketizer and the application (DAVE, Discord's audio and
 * video E2EE): outgoing frames are sealed before packetization, incoming frames opened after assembly.
 * Until a group is established an implementation passes frames through, as {@link #passthrough()} does.
 *
 * <p>Both calls write into {@code out} (never into {@code frame}) and return the number of bytes written,
 * or a negative value meaning a {@link FrameCryptoStatus} ({@link FrameCryptoStatus#ofResult(int)}).
 * They never throw for bad input: a frame that cannot be opened is a status and is counted by the
 * implementation.
 */
public interface FrameCrypto {

    /** Upper bound of a sealed frame's size for a plain frame of {@code frameSize} bytes. */
    int maxSealedSize(int frameSize);

    /** Seals one outgoing frame of {@code codec} (an Annex-B access unit, a VP8 frame, an Opus frame). */
    int seal(Codec codec, MemorySegment frame, MemorySegment out);

    /** Opens one incoming frame of {@code codec} sent by {@code senderUserId}. */
    int open(long senderUserId, Codec codec, MemorySegment frame, MemorySegment out);

    /** Frames go out and come in unchanged: no E2EE negotiated (DAVE protocol version 0). */
    static FrameCrypto passthrough() {
        return Passthrough.INSTANCE;
    }

    /** The passthrough implementation: a copy into {@code out}. */
    enum Passthrough implements FrameCrypto {
        INSTANCE;

        @Override
        public int maxSealedSize(int frameSize) {
            return frameSize;
        }

        @Override
        public int seal(Codec codec, MemorySegment frame, MemorySegment out) {
            return copy(frame, out);
        }

        @Override
        public int open(long senderUserId, Codec codec, MemorySegment frame, MemorySegment out) {
            return copy(frame, out);
        }

        private static int copy(MemorySegment frame, MemorySegment out) {
            if (frame.byteSize() > out.byteSize()) {
                return FrameCryptoStatus.OUTPUT_TOO_SMALL.result();
            }
            MemorySegment.copy(frame, 0, out, 0, frame.byteSize());
            return (int) frame.byteSize();
        }
    }
}
