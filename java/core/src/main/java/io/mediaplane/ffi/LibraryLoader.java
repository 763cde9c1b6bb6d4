package io.mediaplane.ffi;

import io.mediaplane.ffi.LibraryCandidate.Source;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Finds and opens native libraries.
 *
 * <p>{@link #candidates} is a pure function of the spec and the system properties: an explicit path wins and
 * nothing else is tried (a user who names a file wants that file or an error); otherwise the system sonames,
 * then the bundled copy. {@link #load} opens them; when both a system and a bundled copy open, the newer
 * version is kept (libsodium: Debian 12 ships 1.0.18, lazysodium bundles 1.0.20).
 */
public final class LibraryLoader {
    private static final Linker LINKER = Linker.nativeLinker();

    private LibraryLoader() {}

    /** A library opened from one candidate. */
    public record Loaded(SymbolLookup lookup, LibraryCandidate candidate, Path path, String version) {}

    /** The places to try, in order. */
    public static List<LibraryCandidate> candidates(LibrarySpec spec, Function<String, String> properties) {
        String explicit = properties.apply(spec.pathProperty());
        if (explicit != null && !explicit.isBlank()) {
            return List.of(new LibraryCandidate(Source.EXPLICIT_PATH, explicit.strip()));
        }
        List<LibraryCandidate> out = new ArrayList<>();
        for (String soname : spec.systemNames()) {
            out.add(new LibraryCandidate(Source.SYSTEM, soname));
        }
        spec.bundledResource().ifPresent(r -> out.add(new LibraryCandidate(Source.BUNDLED, r)));
        return out;
    }

    /**
     * Opens the library into the global arena (libraries live as long as the process).
     *
     * @throws NativeUnavailableException naming every place tried and why each failed
     */
    public static Loaded load(LibrarySpec spec, Function<String, String> properties, ClassLoader resources) {
        List<LibraryCandidate> candidates = candidates(spec, properties);
        List<String> failures = new ArrayList<>();
        Loaded system = null;
        Loaded bundled = null;
        for (LibraryCandidate c : candidates) {
            if (c.source() == Source.SYSTEM && system != null) {
                continue; // the first soname that opens is the system copy
            }
            try {
                Loaded l = open(spec, c, resources);
                switch (c.source()) {
                    case EXPLICIT_PATH -> {
                        return l;
                    }
                    case SYSTEM -> system = l;
                    case BUNDLED -> bundled = l;
                }
            } catch (RuntimeException e) {
                failures.add(c + ": " + e.getMessage());
            }
        }
        if (system != null && bundled != null) {
            return Version.compare(system.version(), bundled.version()) >= 0 ? system : bundled;
        }
        if (system != null) {
            return system;
        }
        if (bundled != null) {
            return bundled;
        }
        String hint = spec.debianPackage() == null ? "" : " (install the Debian package " + spec.debianPackage() + ")";
        throw new NativeUnavailableException(
                spec.displayName() + " not found" + hint + "; tried " + String.join("; ", failures), null);
    }

    private static Loaded open(LibrarySpec spec, LibraryCandidate c, ClassLoader resources) {
        SymbolLookup lookup = switch (c.source()) {
            case EXPLICIT_PATH -> {
                Path p = Path.of(c.location());
                if (!Files.isRegularFile(p)) {
                    throw new IllegalArgumentException("no such file " + p + " (from -D" + spec.pathProperty() + ")");
                }
                yield SymbolLookup.libraryLookup(p, Arena.global());
            }
            case SYSTEM -> SymbolLookup.libraryLookup(c.location(), Arena.global());
            case BUNDLED -> SymbolLookup.libraryLookup(extract(c.location(), resources), Arena.global());
        };
        MemorySegment probe = lookup.find(spec.probeSymbol())
                .orElseThrow(() -> new IllegalStateException("opened, but it has no symbol " + spec.probeSymbol()));
        Path path = fileOf(probe).orElse(Path.of(c.location()));
        String version = spec.version().apply(lookup);
        return new Loaded(lookup, c, path, version);
    }

    /**
     * Copies a bundled library to {@code ${java.io.tmpdir}/mediaplane-native-<user>/<sha-256 prefix>/} once;
     * the content hash in the folder name means a changed library never reuses a stale copy.
     */
    static Path extract(String resource, ClassLoader resources) {
        byte[] bytes;
        try (InputStream in = resources.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("resource " + resource + " is not on the class path");
            }
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading resource " + resource, e);
        }
        String hash;
        try {
            hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        String fileName = resource.substring(resource.lastIndexOf('/') + 1);
        Path dir = Path.of(System.getProperty("java.io.tmpdir"),
                "mediaplane-native-" + System.getProperty("user.name", "user"), hash);
        Path target = dir.resolve(fileName);
        try {
            if (Files.isRegularFile(target) && Files.size(target) == bytes.length) {
                return target;
            }
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, fileName, ".tmp");
            Files.write(tmp, bytes);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("extracting " + resource + " to " + dir, e);
        }
    }

    // Dl_info (dlfcn.h): dli_fname, dli_fbase, dli_sname, dli_saddr
    private static final StructLayout DL_INFO = MemoryLayout.structLayout(
            ValueLayout.ADDRESS.withName("dli_fname"),
            ValueLayout.ADDRESS.withName("dli_fbase"),
            ValueLayout.ADDRESS.withName("dli_sname"),
            ValueLayout.ADDRESS.withName("dli_saddr"));

    private static final class Dladdr {
        static final MethodHandle HANDLE = LINKER.defaultLookup().find("dladdr")
                .map(a -> LINKER.downcallHandle(a, FunctionDescriptor.of(
                        ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS)))
                .orElse(null);
    }

    /** The file a symbol was loaded from, as the dynamic linker knows it ({@code dladdr(3)}). */
    static Optional<Path> fileOf(MemorySegment symbol) {
        if (Dladdr.HANDLE == null) {
            return Optional.empty();
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(DL_INFO);
            int ok = (int) Dladdr.HANDLE.invokeExact(symbol, info);
            if (ok == 0) {
                return Optional.empty();
            }
            MemorySegment name = info.get(ValueLayout.ADDRESS, 0);
            if (name.equals(MemorySegment.NULL)) {
                return Optional.empty();
            }
            Path p = Path.of(name.reinterpret(4096).getString(0));
            try {
                return Optional.of(p.toRealPath());
            } catch (IOException e) {
                return Optional.of(p);
            }
        } catch (Throwable t) {
            return Optional.empty();
        }
    }
}
