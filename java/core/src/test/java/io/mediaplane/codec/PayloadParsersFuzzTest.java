package io.mediaplane.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/**
 * Fuzz target for the small parsers of outside input in this package: the SPS parser (in-band H264), the VP8
 * payload descriptor, Opus TOC framing, the SDP profile-level-id, the IVF container reader and the
 * H264 access-unit splitter for .h264 files. Any bytes give a value or a refusal, never an
 * exception, and what is accepted is self-consistent. Seeds: the SPS vectors. Fuzzes when JAZZER_FUZZ=1.
 */
class PayloadParsersFuzzTest {
    private final Vp8PayloadDescriptor descriptor = new Vp8PayloadDescriptor();
    private final IvfReader ivf = new IvfReader(1 << 16);
    private final H264AccessUnitReader accessUnits = new H264AccessUnitReader();

    @FuzzTest(maxDuration = "20s")
    void parsers(byte[] data) {
        MemorySegment s = MemorySegment.ofArray(data);
        H264Sps sps = H264SpsParser.parse(s, 0, data.length);
        if (sps != null) {
            assertThat(sps.width()).isPositive();
            assertThat(sps.height()).isPositive();
            assertThat(sps.id()).isBetween(0, 31);
            sps.reorderingPossible();
            sps.profileLevelId().toString();
        }
        if (descriptor.parse(s, 0, data.length).ok()) {
            assertThat(descriptor.length()).isBetween(1, Math.min(6, data.length));
            assertThat(descriptor.encodedLength()).isLessThanOrEqualTo(descriptor.length());
            byte[] again = new byte[descriptor.encodedLength()];
            descriptor.write(MemorySegment.ofArray(again), 0);
        }
        int samples = Opus.samples(s, 0, data.length);
        assertThat(samples).isBetween(-1, 5760);
        H264ProfileLevelId id = H264ProfileLevelId.parse(new String(data, StandardCharsets.ISO_8859_1));
        if (id != null) {
            assertThat(H264ProfileLevelId.parse(id.toHex())).isEqualTo(id);
            id.levelName();
        }
        if (ivf.reset(s, 0, data.length).ok()) {
            assertThat(ivf.header().width()).isPositive();
            IvfStatus status;
            long end = 0;
            while ((status = ivf.next()).ok()) {
                assertThat(ivf.frameOffset()).isGreaterThanOrEqualTo(end + 12);
                end = ivf.frameOffset() + ivf.frameLength();
                assertThat(end).isLessThanOrEqualTo(data.length);
            }
            assertThat(ivf.next()).isEqualTo(IvfStatus.END);
        }
        accessUnits.reset(s, 0, data.length);
        long next = 0;
        while (accessUnits.next()) {
            assertThat(accessUnits.unitOffset()).isGreaterThanOrEqualTo(next);
            assertThat(accessUnits.unitLength()).isPositive();
            next = accessUnits.unitOffset() + accessUnits.unitLength();
            assertThat(next).isLessThanOrEqualTo(data.length);
        }
    }
}
