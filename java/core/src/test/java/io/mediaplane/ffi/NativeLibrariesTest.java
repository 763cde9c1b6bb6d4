package io.mediaplane.ffi;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/**
 * Every library this project binds must load on a machine set up by the README's commands; a failure here
 * names the missing package (the test command installs them).
 */
class NativeLibrariesTest {
    @Test
    void everyLibraryIsAvailable() {
        for (NativeLibrary lib : NativeLibraries.all()) {
            assertThat(lib.unavailabilityCause()).as(lib.name()).isEmpty();
            assertThat(lib.version()).as(lib.name()).isPresent();
            assertThat(lib.path()).as(lib.name()).isPresent();
        }
    }

    @Test
    void libsodiumRunsItsAesGcmProbe() {
        // true on any x86-64 with AES-NI and PCLMUL; what matters here is that the call went through
        assertThat(Sodium.aes256GcmAvailable()).isIn(true, false);
        assertThat(Sodium.library().version().orElseThrow()).matches("\\d+\\.\\d+\\.\\d+");
    }

    @Test
    void libcryptoReportsVersion3() {
        assertThat(LibCrypto.versionNumber() >>> 28).isEqualTo(3L);
        assertThat(LibCrypto.library().version().orElseThrow()).startsWith("3.");
    }

    @Test
    void libsrtpVersionNumberMatchesItsString() {
        int v = Srtp2.versionNumber();
        assertThat((v >>> 24) + "." + ((v >>> 16) & 0xFF) + "." + (v & 0xFFFF))
                .isEqualTo(Srtp2.library().version().orElseThrow());
    }

    @Test
    void openh264CreatesAndDestroysADecoderAndAnEncoder() {
        MemorySegment decoder = OpenH264.createDecoder();
        assertThat(decoder.address()).isNotZero();
        OpenH264.destroyDecoder(decoder);
        MemorySegment encoder = OpenH264.createEncoder();
        assertThat(encoder.address()).isNotZero();
        OpenH264.destroyEncoder(encoder);
    }

    @Test
    void libvpxHasAVp8Decoder() {
        assertThat(Vpx.vp8DecoderInterface().address()).isNotZero();
    }

    @Test
    void turbojpegCreatesAndDestroysACompressor() {
        MemorySegment handle = TurboJpeg.initCompress();
        assertThat(TurboJpeg.destroy(handle)).isZero();
    }

    @Test
    void libmediaplaneIsTheBundledBuild() {
        assertThat(MediaplaneNative.library().loadedFrom().orElseThrow().source())
                .isEqualTo(LibraryCandidate.Source.BUNDLED);
    }
}
