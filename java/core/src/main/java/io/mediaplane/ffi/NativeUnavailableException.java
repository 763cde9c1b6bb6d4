package io.mediaplane.ffi;

/** Thrown by {@code ensureAvailable()} when a native library cannot be used; the message says why and how to fix it. */
public final class NativeUnavailableException extends RuntimeException {
    public NativeUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
