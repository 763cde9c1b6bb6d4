package io.mediaplane.ffi;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.IntPredicate;

/**
 * The state of one native library in this process: loaded (lookup, file, version, where it came from) or
 * unavailable (with the cause). Each binding class ({@link Sodium}, {@link LibCrypto}, ...) owns one and
 * resolves all its method handles once, through {@link #binder()}.
 */
public final class NativeLibrary {
    private static final Linker LINKER = Linker.nativeLinker();

    private final LibrarySpec spec;
    private final LibraryLoader.Loaded loaded;
    private final Throwable cause;

    private NativeLibrary(LibrarySpec spec, LibraryLoader.Loaded loaded, Throwable cause) {
        this.spec = spec;
        this.loaded = loaded;
        this.cause = cause;
    }

    /** Loads the library if native access is allowed; never throws: a failure is kept as the cause. */
    public static NativeLibrary load(LibrarySpec spec) {
        Optional<String> blocked = NativeAccess.blockedReason();
        if (blocked.isPresent()) {
            return new NativeLibrary(spec, null, new NativeUnavailableException(blocked.get(), null));
        }
        try {
            return new NativeLibrary(spec,
                    LibraryLoader.load(spec, System::getProperty, NativeLibrary.class.getClassLoader()), null);
        } catch (RuntimeException | LinkageError e) {
            return new NativeLibrary(spec, null, e);
        }
    }

    public LibrarySpec spec() {
        return spec;
    }

    public String name() {
        return spec.displayName();
    }

    public boolean isAvailable() {
        return cause == null;
    }

    public void ensureAvailable() {
        if (cause != null) {
            throw new NativeUnavailableException(spec.displayName() + " is unavailable: " + cause.getMessage(), cause);
        }
    }

    public Optional<Throwable> unavailabilityCause() {
        return Optional.ofNullable(cause);
    }

    /** Empty when available, else why not, phrased for a person (the cause's message). */
    public Optional<String> unavailableReason() {
        return cause == null ? Optional.empty()
                : Optional.of(cause.getMessage() != null ? cause.getMessage() : cause.toString());
    }

    public Optional<String> version() {
        return loaded == null ? Optional.empty() : Optional.of(loaded.version());
    }

    public Optional<Path> path() {
        return loaded == null ? Optional.empty() : Optional.of(loaded.path());
    }

    public Optional<LibraryCandidate> loadedFrom() {
        return loaded == null ? Optional.empty() : Optional.of(loaded.candidate());
    }

    /** This library marked unavailable after loading, e.g. when its initialisation call failed. */
    private NativeLibrary withFailure(String why) {
        String where = loaded == null ? "" : " (" + loaded.path() + ", version " + loaded.version() + ")";
        return new NativeLibrary(spec, null, new NativeUnavailableException(name() + where + ": " + why, cause));
    }

    /** Resolves method handles; any missing symbol makes the finished library unavailable, naming the symbol. */
    public Binder binder() {
        return new Binder(this);
    }

    /** Collects method handles for one binding class, then {@link #finish()}es into the library state to keep. */
    public static final class Binder {
        private final NativeLibrary library;
        private final List<String> missing = new ArrayList<>();

        private Binder(NativeLibrary library) {
            this.library = library;
        }

        /**
         * A downcall handle, or when the library or the symbol is missing a handle of the same type that throws
         * {@link NativeUnavailableException}: static finals stay non-null and callers check availability once.
         */
        public MethodHandle bind(String symbol, FunctionDescriptor descriptor, Linker.Option... options) {
            if (library.loaded != null) {
                SymbolLookup lookup = library.loaded.lookup();
                Optional<MemorySegment> address = lookup.find(symbol);
                if (address.isPresent()) {
                    return LINKER.downcallHandle(address.get(), descriptor, options);
                }
                missing.add(symbol);
            }
            MethodHandle thrower = MethodHandles.throwException(
                    descriptor.toMethodType().returnType(), NativeUnavailableException.class);
            MethodHandle withException = MethodHandles.foldArguments(thrower,
                    MethodHandles.constant(NativeUnavailableException.class,
                            new NativeUnavailableException(library.name() + " cannot call " + symbol
                                    + ": " + (library.cause == null ? "symbol missing" : library.cause.getMessage()),
                                    library.cause)));
            return MethodHandles.dropArguments(withException, 0, descriptor.toMethodType().parameterList());
        }

        /** A symbol's address (for function pointers and globals), if present. */
        public Optional<MemorySegment> find(String symbol) {
            return library.loaded == null ? Optional.empty() : library.loaded.lookup().find(symbol);
        }

        /**
         * {@link #finish()}, then the library's {@code int symbol(void)} initialisation, which it requires once
         * before any other call; a status {@code succeeded} rejects makes the library unavailable, naming it.
         */
        public NativeLibrary finishAndInit(String symbol, IntPredicate succeeded) {
            MethodHandle init = bind(symbol, FunctionDescriptor.of(ValueLayout.JAVA_INT));
            return finishAndInit(() -> {
                try {
                    int status = (int) init.invokeExact();
                    return succeeded.test(status) ? Optional.empty()
                            : Optional.of(symbol + "() returned " + status);
                } catch (Throwable t) {
                    return Optional.of(symbol + "() failed: " + t);
                }
            });
        }

        /**
         * {@link #finish()}, then an initialisation of more than one call, run only when the library is available:
         * it returns empty when done, else why it failed, which makes the library unavailable.
         */
        public NativeLibrary finishAndInit(java.util.function.Supplier<Optional<String>> init) {
            NativeLibrary finished = finish();
            if (!finished.isAvailable()) {
                return finished;
            }
            try {
                return init.get().map(finished::withFailure).orElse(finished);
            } catch (RuntimeException e) {
                return finished.withFailure("initialisation failed: " + e);
            }
        }

        public NativeLibrary finish() {
            if (library.loaded == null || missing.isEmpty()) {
                return library;
            }
            return new NativeLibrary(library.spec, null, new NativeUnavailableException(
                    library.name() + " at " + library.loaded.path() + " (version " + library.loaded.version()
                            + ") lacks " + String.join(", ", missing) + "; a newer version is needed", null));
        }
    }

    @Override
    public String toString() {
        return isAvailable()
                ? name() + " " + loaded.version() + " (" + loaded.path() + ", " + loaded.candidate().source() + ")"
                : name() + " unavailable: " + cause.getMessage();
    }
}
