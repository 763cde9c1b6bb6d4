package io.mediaplane.ffi;

import java.lang.foreign.SymbolLookup;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * What a native library is called and where it may come from.
 *
 * @param id            short name used in properties: {@code -Dmediaplane.lib.<id>.path=/abs/lib.so}
 * @param displayName   name shown to people ("libsodium")
 * @param systemNames   sonames tried through the dynamic linker, most specific first
 * @param resource      classpath resource carrying a bundled copy, or null
 * @param debianPackage the package that provides the system copy, named in errors
 * @param probeSymbol   a symbol every version exports; its address tells which file was loaded
 * @param version       reads the library's version from a loaded lookup; used to prefer the newer of a
 *                      system and a bundled copy when both exist
 */
public record LibrarySpec(
        String id,
        String displayName,
        List<String> systemNames,
        String resource,
        String debianPackage,
        String probeSymbol,
        Function<SymbolLookup, String> version) {

    public LibrarySpec {
        Objects.requireNonNull(id);
        Objects.requireNonNull(displayName);
        systemNames = List.copyOf(systemNames);
        Objects.requireNonNull(probeSymbol);
        Objects.requireNonNull(version);
    }

    /** The system property naming an explicit path for this library. */
    public String pathProperty() {
        return "mediaplane.lib." + id + ".path";
    }

    public Optional<String> bundledResource() {
        return Optional.ofNullable(resource);
    }
}
