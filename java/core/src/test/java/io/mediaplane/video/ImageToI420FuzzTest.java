package io.mediaplane.video;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzz target for images pushed as frames: whatever the bytes, {@link ImageToI420#convertPng} returns a status and
 * never throws, and images declaring more than the cap are refused before decoding (ImageIO would otherwise
 * allocate for the declared size). Seeds: a 24x16 testsrc2 PNG and an 8x8 RGBA PNG, both from FFmpeg. Fuzzes when
 * JAZZER_FUZZ=1.
 */
class ImageToI420FuzzTest {
    private static final ImageToI420 CONVERTER = new ImageToI420(32, 18, 4096);

    @FuzzTest(maxDuration = "20s")
    void images(byte[] data) {
        ImageStatus status = CONVERTER.convertPng(data);
        assertThat(status).isNotNull();
    }
}
