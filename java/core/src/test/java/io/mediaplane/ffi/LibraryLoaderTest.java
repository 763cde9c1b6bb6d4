package io.mediaplane.ffi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mediaplane.ffi.LibraryCandidate.Source;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LibraryLoaderTest {
    private static final LibrarySpec SPEC = new LibrarySpec("demo", "libdemo", List.of("libdemo.so.2", "libdemo.so"),
            "linux64/libdemo.so", "libdemo2", "demo_init", lookup -> "1.0");

    @Test
    void systemNamesComeBeforeTheBundledCopy() {
        assertThat(LibraryLoader.candidates(SPEC, Map.<String, String>of()::get)).containsExactly(
                new LibraryCandidate(Source.SYSTEM, "libdemo.so.2"),
                new LibraryCandidate(Source.SYSTEM, "libdemo.so"),
                new LibraryCandidate(Source.BUNDLED, "linux64/libdemo.so"));
    }

    @Test
    void anExplicitPathIsTheOnlyCandidate() {
        var props = Map.of("mediaplane.lib.demo.path", " /opt/demo/libdemo.so ");
        assertThat(LibraryLoader.candidates(SPEC, props::get))
                .containsExactly(new LibraryCandidate(Source.EXPLICIT_PATH, "/opt/demo/libdemo.so"));
    }

    @Test
    void aBlankExplicitPathIsIgnored() {
        var props = Map.of("mediaplane.lib.demo.path", "  ");
        assertThat(LibraryLoader.candidates(SPEC, props::get)).hasSize(3);
    }

    @Test
    void withoutABundledCopyOnlySystemNamesAreTried() {
        var spec = new LibrarySpec("x", "libx", List.of("libx.so.1"), null, "libx1", "x", l -> "1");
        assertThat(LibraryLoader.candidates(spec, Map.<String, String>of()::get))
                .containsExactly(new LibraryCandidate(Source.SYSTEM, "libx.so.1"));
    }

    @Test
    void aMissingLibraryNamesEveryPlaceTriedAndThePackage() {
        assertThatThrownBy(() -> LibraryLoader.load(SPEC, Map.<String, String>of()::get, getClass().getClassLoader()))
                .isInstanceOf(NativeUnavailableException.class)
                .hasMessageContaining("libdemo not found (install the Debian package libdemo2)")
                .hasMessageContaining("system libdemo.so.2")
                .hasMessageContaining("bundled linux64/libdemo.so");
    }

    @Test
    void aMissingExplicitFileIsAnErrorEvenIfTheSystemHasOne() {
        var props = Map.of("mediaplane.lib.sodium.path", "/nonexistent/libsodium.so");
        assertThatThrownBy(() -> LibraryLoader.load(Sodium.SPEC, props::get, getClass().getClassLoader()))
                .isInstanceOf(NativeUnavailableException.class)
                .hasMessageContaining("no such file /nonexistent/libsodium.so");
    }

    @Test
    void theNewerOfSystemAndBundledLibsodiumWins() {
        var loaded = LibraryLoader.load(Sodium.SPEC, Map.<String, String>of()::get, getClass().getClassLoader());
        // Debian 12's system libsodium is 1.0.18; lazysodium 5.2.0 bundles 1.0.20.
        assertThat(Version.compare(loaded.version(), "1.0.20")).isGreaterThanOrEqualTo(0);
        assertThat(loaded.path()).isAbsolute();
    }

    @Test
    void anExplicitPathLoadsThatFile() throws Exception {
        var bundled = LibraryLoader.extract("linux64/libsodium.so", getClass().getClassLoader());
        var props = Map.of("mediaplane.lib.sodium.path", bundled.toString());
        var loaded = LibraryLoader.load(Sodium.SPEC, props::get, getClass().getClassLoader());
        assertThat(loaded.candidate().source()).isEqualTo(Source.EXPLICIT_PATH);
        assertThat(loaded.path()).isEqualTo(bundled.toRealPath());
    }

    @Test
    void versionsCompareNumerically() {
        assertThat(Version.compare("1.0.20", "1.0.18")).isPositive();
        assertThat(Version.compare("1.0.9", "1.0.18")).isNegative();
        assertThat(Version.compare("3.0.19", "3.0.19")).isZero();
        assertThat(Version.compare("2.5", "2.5.0")).isZero();
        assertThat(Version.compare("1.12.0-rc1", "1.12.0")).isZero();
    }
}
