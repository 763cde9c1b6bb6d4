package io.mediaplane.codec;

import io.mediaplane.buffer.Bytes;
import java.lang.foreign.MemorySegment;

/**
 * Parses a sequence parameter set (H.264 §7.3.2.1.1, VUI §E.1.1) with Exp-Golomb decoding, skipping scaling lists
 * and HRD parameters. Returns null for input that is not a well-formed SPS (outside input: no exceptions). A VUI
 * that ends early (some encoders truncate it) still yields the resolution, with the reorder depth unknown.
 */
public final class H264SpsParser {
    private H264SpsParser() {}

    /** Sample aspect ratios of aspect_ratio_idc 1..16 (Table E-1); index 0 is "unspecified". */
    private static final int[][] SAR_TABLE = {{0, 0}, {1, 1}, {12, 11}, {10, 11}, {16, 11}, {40, 33}, {24, 11},
        {20, 11}, {32, 11}, {80, 33}, {18, 11}, {15, 11}, {64, 33}, {160, 99}, {4, 3}, {3, 2}, {2, 1}};

    /** Profiles whose SPS carries chroma_format_idc and bit depths (§7.3.2.1.1). */
    private static boolean hasChromaInfo(int profile) {
        return switch (profile) {
            case 100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135 -> true;
            default -> false;
        };
    }

    public static H264Sps parse(byte[] nal) {
        return parse(MemorySegment.ofArray(nal), 0, nal.length);
    }

    /** Parses the SPS NAL unit at {@code [offset, offset + length)}, NAL header included. */
    public static H264Sps parse(MemorySegment s, long offset, int length) {
        if (length < 5 || H264.type(Bytes.u8(s, offset)) != H264.SPS) {
            return null;
        }
        RbspReader r = new RbspReader().reset(s, offset + 1, length - 1);
        int profile = (int) r.bits(8);
        int constraints = (int) r.bits(8);
        int level = (int) r.bits(8);
        long id = r.ue();
        if (id > 31) {
            return null;
        }
        int chromaFormat = 1;
        boolean separateColourPlane = false;
        int bitDepth = 8;
        if (hasChromaInfo(profile)) {
            chromaFormat = (int) r.ue();
            if (chromaFormat > 3) {
                return null;
            }
            if (chromaFormat == 3) {
                separateColourPlane = r.flag();
            }
            bitDepth = 8 + (int) r.ue();
            r.ue(); // bit_depth_chroma_minus8
            r.flag(); // qpprime_y_zero_transform_bypass_flag
            if (r.flag()) { // seq_scaling_matrix_present_flag
                int lists = chromaFormat != 3 ? 8 : 12;
                for (int i = 0; i < lists; i++) {
                    if (r.flag()) {
                        skipScalingList(r, i < 6 ? 16 : 64);
                    }
                }
            }
        }
        r.ue(); // log2_max_frame_num_minus4
        long pocType = r.ue();
        if (pocType == 0) {
            r.ue(); // log2_max_pic_order_cnt_lsb_minus4
        } else if (pocType == 1) {
            r.flag(); // delta_pic_order_always_zero_flag
            r.se(); // offset_for_non_ref_pic
            r.se(); // offset_for_top_to_bottom_field
            long cycle = r.ue();
            if (cycle > 255) {
                return null;
            }
            for (int i = 0; i < cycle; i++) {
                r.se();
            }
        } else if (pocType != 2) {
            return null;
        }
        long maxRefFrames = r.ue();
        r.flag(); // gaps_in_frame_num_value_allowed_flag
        long widthMbs = r.ue() + 1;
        long heightMapUnits = r.ue() + 1;
        boolean frameMbsOnly = r.flag();
        if (!frameMbsOnly) {
            r.flag(); // mb_adaptive_frame_field_flag
        }
        r.flag(); // direct_8x8_inference_flag
        long cropLeft = 0;
        long cropRight = 0;
        long cropTop = 0;
        long cropBottom = 0;
        if (r.flag()) {
            cropLeft = r.ue();
            cropRight = r.ue();
            cropTop = r.ue();
            cropBottom = r.ue();
        }
        if (r.overrun() || widthMbs > 1024 || heightMapUnits > 1024) {
            return null;
        }
        // §7.4.2.1.1: CropUnitX/Y from ChromaArrayType and frame_mbs_only_flag
        int chromaArrayType = separateColourPlane ? 0 : chromaFormat;
        int subWidth = chromaArrayType == 1 || chromaArrayType == 2 ? 2 : 1;
        int subHeight = chromaArrayType == 1 ? 2 : 1;
        int frameFactor = frameMbsOnly ? 1 : 2;
        long width = widthMbs * 16 - (cropLeft + cropRight) * subWidth;
        long height = frameFactor * heightMapUnits * 16 - (cropTop + cropBottom) * subHeight * frameFactor;
        if (width <= 0 || height <= 0) {
            return null;
        }
        int reorder = -1;
        int decBuffering = -1;
        int sarWidth = 0;
        int sarHeight = 0;
        long unitsInTick = 0;
        long timeScale = 0;
        if (r.flag()) { // vui_parameters_present_flag, §E.1.1
            if (r.flag()) { // aspect_ratio_info_present_flag
                int idc = (int) r.bits(8);
                if (idc == 255) { // Extended_SAR
                    sarWidth = (int) r.bits(16);
                    sarHeight = (int) r.bits(16);
                } else if (idc > 0 && idc < SAR_TABLE.length) {
                    sarWidth = SAR_TABLE[idc][0];
                    sarHeight = SAR_TABLE[idc][1];
                }
            }
            if (r.flag()) { // overscan_info_present_flag
                r.flag();
            }
            if (r.flag()) { // video_signal_type_present_flag
                r.bits(3);
                r.flag();
                if (r.flag()) { // colour_description_present_flag
                    r.bits(24);
                }
            }
            if (r.flag()) { // chroma_loc_info_present_flag
                r.ue();
                r.ue();
            }
            if (r.flag()) { // timing_info_present_flag
                unitsInTick = r.bits(32);
                timeScale = r.bits(32);
                r.flag(); // fixed_frame_rate_flag
            }
            boolean nalHrd = r.flag() && skipHrd(r);
            boolean vclHrd = r.flag() && skipHrd(r);
            if (nalHrd || vclHrd) {
                r.flag(); // low_delay_hrd_flag
            }
            r.flag(); // pic_struct_present_flag
            if (r.flag()) { // bitstream_restriction_flag
                r.flag(); // motion_vectors_over_pic_boundaries_flag
                r.ue(); // max_bytes_per_pic_denom
                r.ue(); // max_bits_per_mb_denom
                r.ue(); // log2_max_mv_length_horizontal
                r.ue(); // log2_max_mv_length_vertical
                long numReorder = r.ue();
                long maxDecBuffering = r.ue();
                if (!r.overrun() && numReorder <= 16 && maxDecBuffering <= 16) {
                    reorder = (int) numReorder;
                    decBuffering = (int) maxDecBuffering;
                }
            }
            if (r.overrun()) { // a truncated VUI: keep what came before it, forget what it would have said
                reorder = -1;
                decBuffering = -1;
                unitsInTick = 0;
                timeScale = 0;
                sarWidth = 0;
                sarHeight = 0;
            }
        }
        return new H264Sps(profile, constraints, level, (int) id, chromaFormat, bitDepth, (int) width, (int) height,
                frameMbsOnly, (int) Math.min(maxRefFrames, 255), reorder, decBuffering, unitsInTick, timeScale,
                sarWidth, sarHeight);
    }

    /** §7.3.2.1.1.1. */
    private static void skipScalingList(RbspReader r, int size) {
        int last = 8;
        int next = 8;
        for (int j = 0; j < size && !r.overrun(); j++) {
            if (next != 0) {
                next = (int) ((last + r.se() + 256) % 256);
            }
            last = next == 0 ? last : next;
        }
    }

    /** hrd_parameters(), §E.1.2; returns true (the flag was set). */
    private static boolean skipHrd(RbspReader r) {
        long cpbCount = r.ue() + 1;
        r.bits(4); // bit_rate_scale
        r.bits(4); // cpb_size_scale
        for (int i = 0; i < cpbCount && i < 32 && !r.overrun(); i++) {
            r.ue();
            r.ue();
            r.flag();
        }
        r.bits(20); // four 5-bit length fields
        return true;
    }
}
