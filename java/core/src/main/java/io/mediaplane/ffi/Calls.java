package io.mediaplane.ffi;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/** Load-time calls shared by the binding classes (version probes); nothing here is on a hot path. */
final class Calls {
    private Calls() {}

    /** A handle on an exported function, for load-time probes; a missing symbol is an error naming it. */
    static MethodHandle downcall(SymbolLookup lookup, String symbol, FunctionDescriptor descriptor) {
        MemorySegment fn = lookup.find(symbol).orElseThrow(() -> new IllegalStateException("no symbol " + symbol));
        return Linker.nativeLinker().downcallHandle(fn, descriptor);
    }

    /** Calls {@code const char *symbol(void)} and returns the C string (empty if NULL). */
    static String cString(SymbolLookup lookup, String symbol) {
        MethodHandle h = downcall(lookup, symbol, FunctionDescriptor.of(ValueLayout.ADDRESS));
        try {
            return string((MemorySegment) h.invokeExact());
        } catch (Throwable t) {
            throw new IllegalStateException(symbol + " failed", t);
        }
    }

    /**
     * For the {@code catch (Throwable)} around {@code invokeExact}: errors and runtime exceptions pass through
     * unchanged; a checked throwable cannot come out of a downcall, so it is an internal error.
     */
    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("unexpected from a native call", t);
    }

    /** A NUL-terminated C string owned by the library, read without taking ownership. */
    static String string(MemorySegment cString) {
        if (cString.equals(MemorySegment.NULL)) {
            return "";
        }
        return cString.reinterpret(Integer.MAX_VALUE).getString(0);
    }
}
