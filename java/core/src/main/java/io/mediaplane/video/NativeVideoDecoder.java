package io.mediaplane.video;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * The lifecycle both native decoders share: one arena per decoder (freed by {@link #close()}), the unit size
 * limits, the copy of heap units into native memory, the {@linkplain ConsecutiveErrors consecutive-error} reset
 * with its keyframe request, the wait for a keyframe after the start and after each reset, and the picture that
 * is valid until the next call. A subclass binds one library: it opens and closes the native decoder and decodes
 * one unit that passed the size limits.
 *
 * <p>A reset triggered by errors happens at the start of the next call, so a concealed picture of the failing
 * unit stays valid until then. Not thread-safe: one thread at a time.
 */
abstract sealed class NativeVideoDecoder implements VideoDecoder permits H264Decoder, Vp8Decoder {
    final DecoderOptions options;
    /** Shared, not confined: a decoder may move between threads, one at a time. */
    final Arena arena = Arena.ofShared();
    private final DecoderCounters counters = new DecoderCounters();
    private final ConsecutiveErrors consecutiveErrors;
    private MemorySegment input = MemorySegment.NULL;
    private boolean closed;
    private boolean waitingForKeyframe = true;
    private boolean keyframeRequested;
    private boolean resetPending;
    private I420Picture picture;

    NativeVideoDecoder(DecoderOptions options) {
        this.options = options;
        this.consecutiveErrors = new ConsecutiveErrors(options.maxConsecutiveErrors());
    }

    /** Opens {@code d}'s native decoder, or frees {@code d} and rethrows when the library refuses. */
    static <D extends NativeVideoDecoder> D opened(D d) {
        try {
            d.openNative();
        } catch (RuntimeException e) {
            d.close();
            throw e;
        }
        return d;
    }

    /** Creates the native decoder; throws {@link IllegalStateException} when the library refuses. */
    abstract void openNative();

    /** Destroys the native decoder if one is open; idempotent. */
    abstract void closeNative();

    /** Forgets the native result of the previous call (at the start of each call and on reset). */
    abstract void clearNativeResult();

    /**
     * Decodes one non-empty unit within {@link DecoderOptions#maxUnitSize()}: checks it, passes it through
     * {@link #admit} and, if admitted, gives it to the library, setting the picture with {@link #picture(I420Picture)}.
     */
    abstract DecodeStatus decodeUnit(MemorySegment unit, long offset, int length);

    @Override
    public final DecodeStatus decode(MemorySegment unit, long offset, int length) {
        checkNotClosed();
        Objects.checkFromIndexSize(offset, length, unit.byteSize());
        picture = null;
        clearNativeResult();
        if (resetPending) {
            resetPending = false;
            recreate();
        }
        DecodeStatus status = counters.count(length == 0 ? DecodeStatus.EMPTY
                : length > options.maxUnitSize() ? DecodeStatus.TOO_LARGE
                : decodeUnit(unit, offset, length));
        if (consecutiveErrors.resetAfter(status)) {
            resetPending = true;
            requestKeyframe();
        }
        return status;
    }

    /**
     * The keyframe gate: false when the unit must be dropped as {@link DecodeStatus#WAITING_FOR_KEYFRAME}. While
     * waiting, a keyframe ends the wait and passes; any other unit carrying a picture is dropped, and the first
     * one dropped in a wait requests a keyframe; a unit without a picture (parameter sets) passes.
     */
    final boolean admit(boolean carriesPicture, boolean keyframe) {
        if (!waitingForKeyframe) {
            return true;
        }
        if (keyframe) {
            waitingForKeyframe = false;
            keyframeRequested = false;
            return true;
        }
        if (carriesPicture) {
            if (!keyframeRequested) {
                requestKeyframe();
            }
            return false;
        }
        return true;
    }

    /** {@code unit[offset, offset + length)} as native memory: itself when native, else copied to a reused buffer. */
    final MemorySegment nativeSource(MemorySegment unit, long offset, int length) {
        if (unit.isNative()) {
            return unit.asSlice(offset, length);
        }
        if (input.byteSize() < length) {
            input = arena.allocate(Math.max(length, Math.min(2 * input.byteSize(), options.maxUnitSize())));
        }
        MemorySegment.copy(unit, offset, input, 0, length);
        return input;
    }

    final void picture(I420Picture picture) {
        this.picture = picture;
    }

    private void requestKeyframe() {
        keyframeRequested = true;
        counters.keyframeRequested();
        options.keyframeRequest().run();
    }

    private void recreate() {
        closeNative();
        openNative();
        counters.reset();
        waitingForKeyframe = true;
        clearNativeResult();
    }

    @Override
    public final void reset() {
        checkNotClosed();
        picture = null;
        resetPending = false;
        consecutiveErrors.clear();
        recreate();
        requestKeyframe();
    }

    @Override
    public final I420Picture picture() {
        return picture;
    }

    @Override
    public final DecoderCounters counters() {
        return counters;
    }

    /** Units with an error status since the last good one. */
    public final int consecutiveErrors() {
        return consecutiveErrors.count();
    }

    private void checkNotClosed() {
        if (closed) {
            throw new IllegalStateException(getClass().getSimpleName() + " is closed");
        }
    }

    @Override
    public final void close() {
        if (closed) {
            return;
        }
        closed = true;
        picture = null;
        try {
            closeNative();
        } finally {
            arena.close();
        }
    }
}
