package io.mediaplane.ffi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The shared part of every binding: initialisation calls, missing symbols and the reasons people read. The C
 * library stands in for a bound library: {@code getpid()} is an {@code int f(void)} whose result is known.
 */
class NativeLibraryTest {
    private static final LibrarySpec LIBC = new LibrarySpec("libc", "libc", List.of("libc.so.6"), null, "libc6",
            "getpid", lookup -> "2");
    private static final long PID = ProcessHandle.current().pid();

    @Test
    void anInitialisationCallThatSucceedsLeavesTheLibraryAvailable() {
        NativeLibrary lib = NativeLibrary.load(LIBC).binder().finishAndInit("getpid", status -> status == PID);
        assertThat(lib.unavailableReason()).isEmpty();
        assertThat(lib.isAvailable()).isTrue();
        assertThat(lib.version()).contains("2");
    }

    @Test
    void aRejectedInitialisationStatusMakesTheLibraryUnavailableNamingTheCallAndTheFile() {
        NativeLibrary lib = NativeLibrary.load(LIBC).binder().finishAndInit("getpid", status -> status < 0);
        assertThat(lib.isAvailable()).isFalse();
        assertThat(lib.unavailableReason().orElseThrow()).startsWith("libc (/").endsWith(
                ", version 2): getpid() returned " + PID);
        assertThatThrownBy(lib::ensureAvailable).isInstanceOf(NativeUnavailableException.class)
                .hasMessageContaining("getpid() returned " + PID);
    }

    @Test
    void aMissingSymbolMakesTheLibraryUnavailableAndItsHandleThrows() {
        NativeLibrary.Binder b = NativeLibrary.load(LIBC).binder();
        var missing = b.bind("mp_no_such_function", FunctionDescriptor.of(ValueLayout.JAVA_INT));
        NativeLibrary lib = b.finishAndInit("getpid", status -> status == PID);
        assertThat(lib.unavailableReason().orElseThrow()).contains("lacks mp_no_such_function");
        assertThatThrownBy(() -> {
            int ignored = (int) missing.invokeExact();
        }).isInstanceOf(NativeUnavailableException.class).hasMessageContaining("cannot call mp_no_such_function");
    }

    @Test
    void aLibraryThatIsNotInstalledNamesItsDebianPackage() {
        var spec = new LibrarySpec("absent", "libabsent", List.of("libmediaplane-absent.so.9"), null, "libabsent9",
                "absent_init", lookup -> "1");
        NativeLibrary lib = NativeLibrary.load(spec).binder().finishAndInit("absent_init", status -> true);
        assertThat(lib.unavailableReason().orElseThrow())
                .startsWith("libabsent not found (install the Debian package libabsent9)");
        assertThat(lib.path()).isEmpty();
    }

    @Test
    void aProbeFindsItsFunctionAndNamesAMissingOne() throws Throwable {
        SymbolLookup libc = SymbolLookup.libraryLookup("libc.so.6", Arena.global());
        assertThat((int) Calls.downcall(libc, "getpid", FunctionDescriptor.of(ValueLayout.JAVA_INT)).invokeExact())
                .isEqualTo((int) PID);
        assertThatThrownBy(() -> Calls.downcall(libc, "mp_no_such_probe", FunctionDescriptor.ofVoid()))
                .isInstanceOf(IllegalStateException.class).hasMessage("no symbol mp_no_such_probe");
    }
}
