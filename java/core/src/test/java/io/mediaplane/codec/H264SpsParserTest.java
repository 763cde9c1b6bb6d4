package io.mediaplane.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediaplane.buffer.Bytes;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** SPS NAL units from x264 and OpenH264 (vectors/codec/README.md). */
class H264SpsParserTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        // name,                       profile, level, width, height, frameMbsOnly, reordering, profile-level-id
        "x264-baseline-1080p,          66,      40,    1920,  1080,   true,         false,      42c028",
        "x264-high-bframes-720p,       100,     31,    1280,  720,    true,         true,       64001f",
        "x264-high-nob-360p,           100,     30,    640,   360,    true,         false,      64001e",
        "x264-main-interlaced-576,     77,      30,    720,   576,    false,        false,      4d401e",
        "openh264-baseline-270p,       66,      21,    480,   270,    true,         false,      42c015"})
    void parsesRealEncoders(String name, int profile, int level, int width, int height, boolean frameMbsOnly,
            boolean reordering, String profileLevelId) {
        H264Sps sps = H264SpsParser.parse(Vectors.one("sps-" + name + ".hex"));
        assertThat(sps).isNotNull();
        assertThat(sps.profileIdc()).isEqualTo(profile);
        assertThat(sps.levelIdc()).isEqualTo(level);
        assertThat(sps.width()).isEqualTo(width);
        assertThat(sps.height()).isEqualTo(height);
        assertThat(sps.frameMbsOnly()).isEqualTo(frameMbsOnly);
        assertThat(sps.reorderingPossible()).as("%s", sps).isEqualTo(reordering);
        assertThat(sps.profileLevelId().toHex()).isEqualTo(profileLevelId);
    }

    @Test
    void readsTheReorderDepthAndFrameRateFromTheVui() {
        H264Sps high = H264SpsParser.parse(Vectors.one("sps-x264-high-bframes-720p.hex"));
        assertThat(high.maxNumReorderFrames()).isPositive();
        assertThat(high.chromaFormatIdc()).isEqualTo(1);
        assertThat(high.bitDepthLuma()).isEqualTo(8);
        assertThat(high.frameRate()).isEqualTo(30.0);
        assertThat(H264SpsParser.parse(Vectors.one("sps-x264-high-nob-360p.hex")).maxNumReorderFrames()).isZero();
        assertThat(H264SpsParser.parse(Vectors.one("sps-x264-baseline-1080p.hex")).isConstrainedBaseline()).isTrue();
    }

    @Test
    void withoutBitstreamRestrictionReorderingIsAssumedPossibleExceptForBaseline() {
        // Main profile 640x480, level 3.0, no VUI (hand-assembled: sps_id 0, poc type 2, 1 ref frame)
        H264Sps main = H264SpsParser.parse(Bytes.fromHex("674d401e" + spsBody()));
        assertThat(main).isNotNull();
        assertThat(main.width()).isEqualTo(640);
        assertThat(main.height()).isEqualTo(480);
        assertThat(main.maxNumReorderFrames()).isEqualTo(-1);
        assertThat(main.reorderingPossible()).isTrue();
        H264Sps baseline = H264SpsParser.parse(Bytes.fromHex("6742c01e" + spsBody()));
        assertThat(baseline.reorderingPossible()).isFalse();
    }

    /**
     * Bits after level_idc: sps_id ue(0)=1, log2_max_frame_num_minus4 ue(0)=1, poc_type ue(2)=011,
     * max_num_ref_frames ue(1)=010, gaps 0, width_mbs_minus1 ue(39)=00000101000, height ue(29)=000011110,
     * frame_mbs_only 1, direct_8x8 1, cropping 0, vui 0, stop bit 1.
     */
    private static String spsBody() {
        String bits = "1" + "1" + "011" + "010" + "0" + "00000101000" + "000011110" + "1" + "1" + "0" + "0" + "1";
        while (bits.length() % 8 != 0) {
            bits += "0";
        }
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < bits.length(); i += 8) {
            hex.append(String.format("%02x", Integer.parseInt(bits.substring(i, i + 8), 2)));
        }
        return hex.toString();
    }

    @Test
    void refusesWhatIsNotAnSps() {
        assertThat(H264SpsParser.parse(Bytes.fromHex("68ce3c80"))).isNull(); // a PPS
        assertThat(H264SpsParser.parse(Bytes.fromHex("6742"))).isNull();
        assertThat(H264SpsParser.parse(Bytes.fromHex("6742c01e"))).isNull(); // ends before sps_id
        assertThat(H264SpsParser.parse(Bytes.fromHex("6742c01e0000000000000000"))).isNull(); // ue(v) too long
    }

    @Test
    void neverThrowsOnTruncatedOrMutatedInput() {
        Random r = new Random(6184);
        for (String name : new String[] {"x264-baseline-1080p", "x264-high-bframes-720p", "openh264-baseline-270p"}) {
            byte[] sps = Vectors.one("sps-" + name + ".hex");
            for (int len = 0; len <= sps.length; len++) {
                H264SpsParser.parse(java.lang.foreign.MemorySegment.ofArray(sps), 0, len);
            }
            for (int i = 0; i < 2000; i++) {
                byte[] m = sps.clone();
                m[1 + r.nextInt(m.length - 1)] ^= (byte) (1 << r.nextInt(8));
                H264Sps parsed = H264SpsParser.parse(m);
                if (parsed != null) {
                    assertThat(parsed.width()).isPositive();
                    assertThat(parsed.height()).isPositive();
                }
            }
        }
    }
}
