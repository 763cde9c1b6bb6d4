package io.mediaplane.codec;

/**
 * What a decoder set-up needs from a sequence parameter set (H.264 §7.4.2.1.1), as read by {@link H264SpsParser}.
 *
 * @param maxNumReorderFrames VUI {@code max_num_reorder_frames} (§E.2.1), or -1 when the SPS does not carry a
 *                            bitstream restriction
 * @param sarWidth            VUI sample aspect ratio width (Table E-1 or Extended_SAR), 0 when not given
 * @param sarHeight           VUI sample aspect ratio height, 0 when not given
 */
public record H264Sps(
        int profileIdc,
        int constraintFlags,
        int levelIdc,
        int id,
        int chromaFormatIdc,
        int bitDepthLuma,
        int width,
        int height,
        boolean frameMbsOnly,
        int maxNumRefFrames,
        int maxNumReorderFrames,
        int maxDecFrameBuffering,
        long numUnitsInTick,
        long timeScale,
        int sarWidth,
        int sarHeight) {

    /** Baseline (66) and its constrained subset have no B slices (A.2.1); neither does CAVLC 4:4:4 Intra (44). */
    public boolean isBaseline() {
        return profileIdc == 66;
    }

    /** constraint_set1_flag on Baseline: Constrained Baseline (A.2.1.1). */
    public boolean isConstrainedBaseline() {
        return profileIdc == 66 && (constraintFlags & 0x40) != 0;
    }

    /**
     * Whether output order can differ from decoding order (B-frames or other reordering): never for Baseline;
     * otherwise as the VUI's {@code max_num_reorder_frames} says; assumed possible when the SPS does not say.
     * A decoder that cannot reorder refuses streams for which this is true.
     */
    public boolean reorderingPossible() {
        if (isBaseline() || profileIdc == 44) {
            return false;
        }
        return maxNumReorderFrames != 0;
    }

    /** Frames per second from the VUI timing info (two fields per frame, §E.2.1), or 0 if absent. */
    public double frameRate() {
        return numUnitsInTick == 0 ? 0 : timeScale / (2.0 * numUnitsInTick);
    }

    /** The profile-level-id this SPS corresponds to (RFC 6184 §8.1). */
    public H264ProfileLevelId profileLevelId() {
        return new H264ProfileLevelId(profileIdc, constraintFlags, levelIdc);
    }
}
