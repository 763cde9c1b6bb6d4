package io.mediaplane.ffi;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Whether this JVM may call native code at all, checked before any restricted FFM method runs.
 *
 * <p>Two things turn native code off: {@code -Dmediaplane.native=false} (forces the pure-Java paths everywhere,
 * e.g. to compare backends) and a JVM started without {@value #FLAG}. In the second case we do not call
 * restricted methods, so the JDK's multi-line warning never appears; instead one log line names the flag.
 */
public final class NativeAccess {
    /** The flag our launcher, tests and benchmarks pass. Executable jars carry it as a manifest attribute. */
    public static final String FLAG = "--enable-native-access=ALL-UNNAMED";
    public static final String DISABLE_PROPERTY = "mediaplane.native";

    private static final System.Logger LOG = System.getLogger(NativeAccess.class.getName());
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private NativeAccess() {}

    /** Empty when native calls are allowed, else the reason they are not, phrased for a person. */
    public static Optional<String> blockedReason() {
        if ("false".equalsIgnoreCase(System.getProperty(DISABLE_PROPERTY))) {
            return Optional.of("native code disabled by -D" + DISABLE_PROPERTY + "=false");
        }
        if (!NativeAccess.class.getModule().isNativeAccessEnabled()) {
            String reason = "native access is not enabled for this JVM: start java with " + FLAG;
            if (WARNED.compareAndSet(false, true)) {
                LOG.log(System.Logger.Level.WARNING, reason + " (the ./mediaplane launcher does); using pure-Java paths");
            }
            return Optional.of(reason);
        }
        return Optional.empty();
    }

    public static boolean allowed() {
        return blockedReason().isEmpty();
    }
}
