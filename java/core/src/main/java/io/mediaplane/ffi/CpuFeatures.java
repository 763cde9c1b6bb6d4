package io.mediaplane.ffi;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The CPU features that decide which crypto backend is fastest: AES-NI and PCLMULQDQ (AES-GCM at all),
 * VAES/VPCLMULQDQ and AVX-512 (the JDK's wide GCM intrinsic), SHA-NI (HMAC-SHA1 for SRTP).
 * Read from {@code /proc/cpuinfo} (Linux).
 */
public record CpuFeatures(String model, Set<String> flags) {
    /** The flags {@code mediaplane doctor} reports, in this order. */
    public static final List<String> CRYPTO_FLAGS =
            List.of("aes", "pclmulqdq", "vaes", "vpclmulqdq", "avx2", "avx512f", "avx512bw", "sha_ni");

    public static CpuFeatures read() {
        try {
            return parse(Files.readString(Path.of("/proc/cpuinfo")));
        } catch (IOException | UnsupportedOperationException e) {
            return new CpuFeatures("unknown (" + e.getMessage() + ")", Set.of());
        }
    }

    /** Parses the first processor's "model name" and "flags" lines. */
    public static CpuFeatures parse(String cpuinfo) {
        String model = "unknown";
        Set<String> flags = Set.of();
        for (String line : cpuinfo.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).strip();
            String value = line.substring(colon + 1).strip();
            if (key.equals("model name") && model.equals("unknown")) {
                model = value;
            } else if (key.equals("flags") && flags.isEmpty()) {
                flags = Set.of(value.split("\\s+"));
            }
        }
        return new CpuFeatures(model, flags);
    }

    public boolean has(String flag) {
        return flags.contains(flag);
    }

    /** Each of {@link #CRYPTO_FLAGS} with whether this CPU has it. */
    public Map<String, Boolean> cryptoFlags() {
        Map<String, Boolean> out = new LinkedHashMap<>();
        for (String f : CRYPTO_FLAGS) {
            out.put(f, has(f));
        }
        return out;
    }
}
