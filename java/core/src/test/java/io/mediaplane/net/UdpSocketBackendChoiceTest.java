package io.mediaplane.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mediaplane.ffi.MediaplaneNative;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link UdpSocket#open} picks native when libmediaplane is loaded; the system property overrides it. */
class UdpSocketBackendChoiceTest {
    private static final InetSocketAddress ANY_LOOPBACK_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    @AfterEach
    void clearOverride() {
        System.clearProperty(UdpBackendChoice.PROPERTY);
    }

    @Test
    void automaticChoiceIsNativeWhenLibmediaplaneLoaded() throws IOException {
        assertThat(MediaplaneNative.library().unavailabilityCause()).isEmpty();
        try (UdpSocket s = UdpSocket.open(ANY_LOOPBACK_PORT)) {
            assertThat(s).isInstanceOf(NativeUdpSocket.class);
            assertThat(s.backend()).isEqualTo(UdpSocket.Backend.NATIVE);
        }
        assertThat(UdpSocket.defaultBackend()).isEqualTo(UdpSocket.Backend.NATIVE);
    }

    @Test
    void propertyForcesTheNioBackend() throws IOException {
        System.setProperty(UdpBackendChoice.PROPERTY, "nio");
        try (UdpSocket s = UdpSocket.open(ANY_LOOPBACK_PORT)) {
            assertThat(s).isInstanceOf(NioUdpSocket.class);
        }
        assertThat(UdpSocket.defaultBackend()).isEqualTo(UdpSocket.Backend.NIO);
    }

    @Test
    void explicitBackendWinsOverTheProperty() throws IOException {
        System.setProperty(UdpBackendChoice.PROPERTY, "nio");
        try (UdpSocket s = UdpSocket.open(ANY_LOOPBACK_PORT,
                UdpSocketOptions.DEFAULTS.withBackend(UdpSocket.Backend.NATIVE))) {
            assertThat(s.backend()).isEqualTo(UdpSocket.Backend.NATIVE);
        }
    }

    @Test
    void unknownPropertyValueIsAConfigurationError() {
        System.setProperty(UdpBackendChoice.PROPERTY, "dpdk");
        assertThatThrownBy(() -> UdpSocket.open(ANY_LOOPBACK_PORT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dpdk");
    }
}
