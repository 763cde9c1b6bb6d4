package io.mediaplane.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediaplane.codec.H264ProfileLevelId.Profile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 6184 §8.1 / RFC 7742 profile-level-id values as browsers and encoders announce them. */
class H264ProfileLevelIdTest {

    @ParameterizedTest
    @CsvSource({
        "42e01f, CONSTRAINED_BASELINE, 3.1",  // Chrome's default
        "42001f, BASELINE,             3.1",
        "4d001f, MAIN,                 3.1",
        "4d801f, CONSTRAINED_BASELINE, 3.1",
        "58c01e, CONSTRAINED_BASELINE, 3",
        "580028, EXTENDED,             4",
        "640c1f, CONSTRAINED_HIGH,     3.1",
        "640032, HIGH,                 5",
        "6e0028, HIGH_10,              4",
        "42f00b, CONSTRAINED_BASELINE, 1b",   // level_idc 11 + constraint_set3
        "42c00b, CONSTRAINED_BASELINE, 1.1",
        "640009, HIGH,                 1b"})
    void namesProfileAndLevel(String hex, Profile profile, String level) {
        H264ProfileLevelId id = H264ProfileLevelId.parse(hex);
        assertThat(id.profile()).isEqualTo(profile);
        assertThat(id.levelName()).isEqualTo(level);
        assertThat(id.toHex()).isEqualTo(hex);
        assertThat(H264ProfileLevelId.parse(hex.toUpperCase())).isEqualTo(id);
    }

    @Test
    void refusesMalformedValues() {
        assertThat(H264ProfileLevelId.parse(null)).isNull();
        assertThat(H264ProfileLevelId.parse("42e01")).isNull();
        assertThat(H264ProfileLevelId.parse("42e01g")).isNull();
        assertThat(H264ProfileLevelId.parse("+42e01")).isNull();
    }
}
