package io.mediaplane.video;

import java.util.EnumSet;
import java.util.Set;

/**
 * The flags of OpenH264's {@code DECODING_STATE} (codec_app_def.h of libopenh264 2.3.1), which
 * {@code DecodeFrameNoDelay} returns OR-ed together; {@code dsErrorFree} is the empty set.
 */
public enum OpenH264State {
    FRAME_PENDING(0x01, "needs more input to output a frame"),
    REF_LOST(0x02, "a reference picture (temporal layer 0) was lost"),
    BITSTREAM_ERROR(0x04, "error in the bitstream"),
    DEP_LAYER_LOST(0x08, "a dependency layer was lost"),
    NO_PARAM_SETS(0x10, "slices without the parameter sets they refer to"),
    DATA_ERROR_CONCEALED(0x20, "errors were concealed in the output picture"),
    REF_LIST_NULL_PTRS(0x40, "reference list with missing entries"),
    INVALID_ARGUMENT(0x1000, "invalid argument"),
    INITIAL_OPT_EXPECTED(0x2000, "decoder not initialised"),
    OUT_OF_MEMORY(0x4000, "out of memory"),
    DST_BUF_NEED_EXPAN(0x8000, "picture larger than the output buffer");

    private static final OpenH264State[] VALUES = values();
    private final int bit;
    private final String meaning;

    OpenH264State(int bit, String meaning) {
        this.bit = bit;
        this.meaning = meaning;
    }

    public int bit() {
        return bit;
    }

    public String meaning() {
        return meaning;
    }

    /** The flags set in a raw {@code DECODING_STATE} value (unknown bits are ignored). */
    public static Set<OpenH264State> of(int state) {
        EnumSet<OpenH264State> set = EnumSet.noneOf(OpenH264State.class);
        for (OpenH264State s : VALUES) {
            if ((state & s.bit) != 0) {
                set.add(s);
            }
        }
        return set;
    }
}
