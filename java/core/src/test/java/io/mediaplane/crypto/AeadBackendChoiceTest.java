package io.mediaplane.crypto;

import static io.mediaplane.crypto.DiscordAeadMode.AES256_GCM_RTPSIZE;
import static io.mediaplane.crypto.DiscordAeadMode.XCHACHA20_POLY1305_RTPSIZE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AeadBackendChoiceTest {
    @Test
    void withoutThePropertyTheFirstAvailableOfTheTableWins() {
        for (DiscordAeadMode m : DiscordAeadMode.values()) {
            for (SizeClass s : SizeClass.values()) {
                AeadBackendChoice.Choice c = AeadBackendChoice.explain(m, s, null);
                assertThat(c.backend()).isEqualTo(AeadBackendChoice.preference(m, s).getFirst());
                assertThat(c.why()).isEqualTo("fastest measured");
            }
        }
    }

    @Test
    void oneNameForcesEverything() {
        assertThat(AeadBackendChoice.forced(XCHACHA20_POLY1305_RTPSIZE, SizeClass.SMALL, "jce"))
                .isEqualTo(AeadBackend.JCE);
        assertThat(AeadBackendChoice.explain(AES256_GCM_RTPSIZE, SizeClass.LARGE, " sodium ").why())
                .contains("-Dmediaplane.crypto.discord.backend=sodium");
    }

    @Test
    void theMostSpecificEntryWins() {
        String p = "openssl, aes256gcm=jce, aes256gcm.small=sodium, aead_xchacha20_poly1305_rtpsize.large=jce";
        assertThat(AeadBackendChoice.forced(AES256_GCM_RTPSIZE, SizeClass.SMALL, p)).isEqualTo(AeadBackend.SODIUM);
        assertThat(AeadBackendChoice.forced(AES256_GCM_RTPSIZE, SizeClass.MTU, p)).isEqualTo(AeadBackend.JCE);
        assertThat(AeadBackendChoice.forced(XCHACHA20_POLY1305_RTPSIZE, SizeClass.MTU, p))
                .isEqualTo(AeadBackend.OPENSSL);
        assertThat(AeadBackendChoice.forced(XCHACHA20_POLY1305_RTPSIZE, SizeClass.LARGE, p))
                .isEqualTo(AeadBackend.JCE);
    }

    @Test
    void badEntriesAreConfigurationErrors() {
        assertThatThrownBy(() -> AeadBackendChoice.forced(AES256_GCM_RTPSIZE, SizeClass.SMALL, "boringssl"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("boringssl");
        assertThatThrownBy(() -> AeadBackendChoice.forced(AES256_GCM_RTPSIZE, SizeClass.SMALL, "aes256gcm.huge=jce"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("small, mtu or large");
        assertThatThrownBy(() -> AeadBackendChoice.forced(AES256_GCM_RTPSIZE, SizeClass.SMALL, "rot13=jce"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void reportCoversEveryAlgorithmAndClass() {
        assertThat(AeadBackendChoice.all()).containsOnlyKeys("aes256gcm.small", "aes256gcm.mtu", "aes256gcm.large",
                "xchacha20poly1305.small", "xchacha20poly1305.mtu", "xchacha20poly1305.large");
    }

    @Test
    void sizeClassesSplitAt256And1500() {
        assertThat(SizeClass.of(256)).isEqualTo(SizeClass.SMALL);
        assertThat(SizeClass.of(257)).isEqualTo(SizeClass.MTU);
        assertThat(SizeClass.of(1500)).isEqualTo(SizeClass.MTU);
        assertThat(SizeClass.of(1501)).isEqualTo(SizeClass.LARGE);
    }
}
