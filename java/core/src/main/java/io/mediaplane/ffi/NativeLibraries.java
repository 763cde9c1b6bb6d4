package io.mediaplane.ffi;

import java.util.List;

/** Every native library mediaplane binds, for {@code mediaplane doctor} and start-up checks. */
public final class NativeLibraries {
    private NativeLibraries() {}

    /** Loads each (once per process) and returns its state; never throws. */
    public static List<NativeLibrary> all() {
        return List.of(Sodium.library(), LibCrypto.library(), Gcrypt.library(), Srtp2.library(), OpenH264.library(),
                Vpx.library(), TurboJpeg.library(), MediaplaneNative.library());
    }
}
