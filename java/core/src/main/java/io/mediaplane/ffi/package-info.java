/**
 * Native access: one final binding class per native library ({@link io.mediaplane.ffi.Sodium},
 * {@link io.mediaplane.ffi.LibCrypto}, {@link io.mediaplane.ffi.Srtp2}, {@link io.mediaplane.ffi.OpenH264},
 * {@link io.mediaplane.ffi.Vpx}, {@link io.mediaplane.ffi.TurboJpeg}, {@link io.mediaplane.ffi.MediaplaneNative}).
 *
 * <p>Rules every binding follows:
 * <ul>
 *   <li>The library is opened once, into {@code Arena.global()}, by {@link io.mediaplane.ffi.LibraryLoader}:
 *       {@code -Dmediaplane.lib.<id>.path} → system soname → bundled resource (the newer of system and
 *       bundled wins when both exist).</li>
 *   <li>Method handles are resolved once in the static initialiser through
 *       {@link io.mediaplane.ffi.NativeLibrary.Binder} and called with {@code invokeExact}. A missing symbol makes
 *       the whole library unavailable, naming the symbol; so does a failed initialisation call
 *       ({@code Binder.finishAndInit}: {@code sodium_init}, {@code srtp_init}).</li>
 *   <li>{@code Linker.Option.critical(true)} only for calls that are short and never block or call back
 *       (AEAD on one packet, a non-blocking syscall); never for decode or anything that may wait.</li>
 *   <li>Each binding's {@code library()} is its {@link io.mediaplane.ffi.NativeLibrary}: {@code isAvailable()},
 *       {@code ensureAvailable()}, {@code unavailableReason()}, version, file and origin for {@code doctor};
 *       callers choose a pure-Java path when a library is unavailable. {@code -Dmediaplane.native=false}
 *       makes every library unavailable.</li>
 * </ul>
 */
package io.mediaplane.ffi;
