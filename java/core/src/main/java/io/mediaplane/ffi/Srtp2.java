package io.mediaplane.ffi;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.List;

/**
 * libsrtp2 (Debian: libsrtp2-1), a measured SRTP backend and the reference our own SRTP is checked against.
 * {@code srtp_init()} runs once when this class loads, as libsrtp requires before any session is created.
 */
public final class Srtp2 {
    static final LibrarySpec SPEC = new LibrarySpec("srtp2", "libsrtp2", List.of("libsrtp2.so.1"), null,
            "libsrtp2-1", "srtp_init", lookup -> {
                String v = Calls.cString(lookup, "srtp_get_version_string"); // "libsrtp2 2.5.0"
                return v.substring(v.lastIndexOf(' ') + 1);
            });

    /** {@code srtp_policy_t} of libsrtp 2.x on LP64 (offsets checked against srtp.h by a compiled test). */
    public static final long POLICY_SIZE = 128;
    public static final long POLICY_SSRC_TYPE = 0;
    public static final long POLICY_SSRC_VALUE = 4;
    public static final long POLICY_RTP = 8;
    public static final long POLICY_RTCP = 32;
    public static final long POLICY_KEY = 56;
    public static final long POLICY_WINDOW_SIZE = 88;
    public static final long POLICY_ALLOW_REPEAT_TX = 96;
    /** {@code srtp_ssrc_type_t} */
    public static final int SSRC_SPECIFIC = 1;
    public static final int SSRC_ANY_INBOUND = 2;
    public static final int SSRC_ANY_OUTBOUND = 3;
    /** {@code srtp_err_status_t} values the packet calls return. */
    public static final int ERR_OK = 0;
    public static final int ERR_AUTH_FAIL = 7;
    public static final int ERR_REPLAY_FAIL = 9;
    public static final int ERR_REPLAY_OLD = 10;
    /** SRTCP with E clear where the policy requires encryption. */
    public static final int ERR_CANT_CHECK = 14;

    private static final NativeLibrary LIBRARY;
    private static final MethodHandle GET_VERSION;
    private static final MethodHandle CREATE;
    private static final MethodHandle DEALLOC;
    private static final MethodHandle ADD_STREAM;
    private static final MethodHandle REMOVE_STREAM;
    private static final MethodHandle SET_STREAM_ROC;
    private static final MethodHandle PROTECT;
    private static final MethodHandle UNPROTECT;
    private static final MethodHandle PROTECT_RTCP;
    private static final MethodHandle UNPROTECT_RTCP;
    private static final MethodHandle POLICY_CM_80;
    private static final MethodHandle POLICY_CM_32;
    private static final MethodHandle POLICY_GCM_128;
    private static final MethodHandle POLICY_GCM_256;

    static {
        NativeLibrary.Binder b = NativeLibrary.load(SPEC).binder();
        GET_VERSION = b.bind("srtp_get_version", FunctionDescriptor.of(JAVA_INT));
        CREATE = b.bind("srtp_create", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        DEALLOC = b.bind("srtp_dealloc", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        ADD_STREAM = b.bind("srtp_add_stream", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        REMOVE_STREAM = b.bind("srtp_remove_stream", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        SET_STREAM_ROC = b.bind("srtp_set_stream_roc", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
        // one packet: bounded work, no blocking, no callbacks; critical calls also take heap segments
        Linker.Option critical = Linker.Option.critical(true);
        FunctionDescriptor packet = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS);
        PROTECT = b.bind("srtp_protect", packet, critical);
        UNPROTECT = b.bind("srtp_unprotect", packet, critical);
        PROTECT_RTCP = b.bind("srtp_protect_rtcp", packet, critical);
        UNPROTECT_RTCP = b.bind("srtp_unprotect_rtcp", packet, critical);
        FunctionDescriptor setter = FunctionDescriptor.ofVoid(ADDRESS);
        // srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80 is a macro for this one
        POLICY_CM_80 = b.bind("srtp_crypto_policy_set_rtp_default", setter);
        POLICY_CM_32 = b.bind("srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32", setter);
        POLICY_GCM_128 = b.bind("srtp_crypto_policy_set_aes_gcm_128_16_auth", setter);
        POLICY_GCM_256 = b.bind("srtp_crypto_policy_set_aes_gcm_256_16_auth", setter);
        LIBRARY = b.finishAndInit("srtp_init", status -> status == 0); // srtp_err_status_t: 0 = srtp_err_status_ok
    }

    private Srtp2() {}

    public static NativeLibrary library() {
        return LIBRARY;
    }

    /** {@code srtp_get_version()}: major &lt;&lt; 24 | minor &lt;&lt; 16 | micro. */
    public static int versionNumber() {
        LIBRARY.ensureAvailable();
        try {
            return (int) GET_VERSION.invokeExact();
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    /** {@code srtp_create(&session, policy)}; {@code policy} may be NULL (no streams yet). Returns the status. */
    public static int create(MemorySegment sessionOut, MemorySegment policy) {
        try {
            return (int) CREATE.invokeExact(sessionOut, policy);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    public static int dealloc(MemorySegment session) {
        try {
            return (int) DEALLOC.invokeExact(session);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    public static int addStream(MemorySegment session, MemorySegment policy) {
        try {
            return (int) ADD_STREAM.invokeExact(session, policy);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    /** {@code ssrc} in host order (converted to the network order libsrtp expects here). */
    public static int removeStream(MemorySegment session, int ssrc) {
        try {
            return (int) REMOVE_STREAM.invokeExact(session, java.nio.ByteOrder.nativeOrder()
                    == java.nio.ByteOrder.LITTLE_ENDIAN ? Integer.reverseBytes(ssrc) : ssrc);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    public static int setStreamRoc(MemorySegment session, int ssrc, int roc) {
        try {
            return (int) SET_STREAM_ROC.invokeExact(session, ssrc, roc);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    /** In place; {@code length} is an {@code int*} holding the length in and the new length out. */
    public static int protect(MemorySegment session, MemorySegment packet, MemorySegment length) {
        try {
            return (int) PROTECT.invokeExact(session, packet, length);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    public static int unprotect(MemorySegment session, MemorySegment packet, MemorySegment length) {
        try {
            return (int) UNPROTECT.invokeExact(session, packet, length);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    public static int protectRtcp(MemorySegment session, MemorySegment packet, MemorySegment length) {
        try {
            return (int) PROTECT_RTCP.invokeExact(session, packet, length);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    public static int unprotectRtcp(MemorySegment session, MemorySegment packet, MemorySegment length) {
        try {
            return (int) UNPROTECT_RTCP.invokeExact(session, packet, length);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    /** Fills an {@code srtp_crypto_policy_t}: {@code cm80}, {@code cm32}, {@code gcm128} or {@code gcm256}. */
    public static void setCryptoPolicy(String suite, MemorySegment cryptoPolicy) {
        MethodHandle h = switch (suite) {
            case "cm80" -> POLICY_CM_80;
            case "cm32" -> POLICY_CM_32;
            case "gcm128" -> POLICY_GCM_128;
            case "gcm256" -> POLICY_GCM_256;
            default -> throw new IllegalArgumentException("unknown libsrtp2 suite " + suite);
        };
        try {
            h.invokeExact(cryptoPolicy);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }
}
