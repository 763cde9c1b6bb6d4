package io.mediaplane.crypto;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which {@link AeadBackend} seals and opens a packet of a given algorithm and {@link SizeClass}: the first
 * available backend of a default preference list that comes from the {@code DiscordAeadBenchmark} results
 * (benchmarks/README.md, "Discord transport AEAD"), unless {@value #PROPERTY} says otherwise. Each choice is
 * logged once per process and shown by {@code mediaplane doctor}.
 *
 * <p>Property syntax: a backend name for everything ({@code -Dmediaplane.crypto.discord.backend=sodium}), or
 * comma-separated {@code ALGORITHM[.CLASS]=BACKEND} entries, where ALGORITHM is {@code aes256gcm} or
 * {@code xchacha20poly1305} (or the mode's wire name) and CLASS is {@code small}, {@code mtu} or {@code large}:
 * {@code aes256gcm.small=sodium,xchacha20poly1305=openssl}. A forced backend that cannot run here is an error.
 */
public final class AeadBackendChoice {
    public static final String PROPERTY = "mediaplane.crypto.discord.backend";

    /**
     * Fastest first, per algorithm and size class: JMH medians of {@code DiscordAeadBenchmark} seal, Mpkt/s at
     * 160 / 1200 / 16384 bytes (benchmarks/README.md). AES-256-GCM: sodium 8.11 / 2.56 / 0.24, openssl 4.06 /
     * 2.06 / 0.26, jce 2.71 / 1.70 / 0.48 (jce allocates 936 B per packet; only 16 KiB packets, which Discord's
     * UDP never carries, pick it). XChaCha20-Poly1305: openssl 1.37 / 0.88 / 0.21, sodium 1.37 / 0.72 / 0.09,
     * jce 0.97 / 0.70 / 0.15 (small is a tie; openssl keeps one engine for every size).
     */
    private static final Map<DiscordAeadMode, Map<SizeClass, List<AeadBackend>>> DEFAULTS = defaults();

    private static final System.Logger LOG = System.getLogger(AeadBackendChoice.class.getName());
    private static final Set<String> LOGGED = ConcurrentHashMap.newKeySet();

    private AeadBackendChoice() {}

    private static Map<DiscordAeadMode, Map<SizeClass, List<AeadBackend>>> defaults() {
        var J = AeadBackend.JCE;
        var S = AeadBackend.SODIUM;
        var O = AeadBackend.OPENSSL;
        Map<DiscordAeadMode, Map<SizeClass, List<AeadBackend>>> m = new EnumMap<>(DiscordAeadMode.class);
        Map<SizeClass, List<AeadBackend>> gcm = new EnumMap<>(SizeClass.class);
        gcm.put(SizeClass.SMALL, List.of(S, O, J));
        gcm.put(SizeClass.MTU, List.of(S, O, J));
        gcm.put(SizeClass.LARGE, List.of(J, O, S));
        m.put(DiscordAeadMode.AES256_GCM_RTPSIZE, gcm);
        Map<SizeClass, List<AeadBackend>> xchacha = new EnumMap<>(SizeClass.class);
        xchacha.put(SizeClass.SMALL, List.of(O, S, J));
        xchacha.put(SizeClass.MTU, List.of(O, S, J));
        xchacha.put(SizeClass.LARGE, List.of(O, J, S));
        m.put(DiscordAeadMode.XCHACHA20_POLY1305_RTPSIZE, xchacha);
        return m;
    }

    /** The default preference list (fastest first) for an algorithm and size class. */
    public static List<AeadBackend> preference(DiscordAeadMode mode, SizeClass size) {
        return DEFAULTS.get(mode).get(size);
    }

    /** The backend to use, with the property applied; logs the choice for all sizes once per algorithm. */
    public static AeadBackend choose(DiscordAeadMode mode, SizeClass size) {
        String property = System.getProperty(PROPERTY);
        if (LOGGED.add(mode.shortName())) {
            StringBuilder line = new StringBuilder("Discord " + mode.wireName() + " uses");
            for (SizeClass s : SizeClass.values()) {
                Choice c = explain(mode, s, property);
                line.append(s == SizeClass.SMALL ? " " : "; ").append(c.backend().id()).append(" for ")
                        .append(s.name().toLowerCase(Locale.ROOT)).append(" packets (").append(c.why()).append(')');
            }
            LOG.log(System.Logger.Level.INFO, line.toString());
        }
        return explain(mode, size, property).backend();
    }

    /** A backend and why it was chosen. */
    public record Choice(AeadBackend backend, String why) {}

    /** The choice for every algorithm and size class, in order, for reports. */
    public static Map<String, Choice> all() {
        Map<String, Choice> out = new LinkedHashMap<>();
        for (DiscordAeadMode m : DiscordAeadMode.values()) {
            for (SizeClass s : SizeClass.values()) {
                out.put(m.shortName() + "." + s.name().toLowerCase(Locale.ROOT),
                        explain(m, s, System.getProperty(PROPERTY)));
            }
        }
        return out;
    }

    /** The choice given a property value (null or blank = the default table). */
    static Choice explain(DiscordAeadMode mode, SizeClass size, String property) {
        AeadBackend forced = forced(mode, size, property);
        if (forced != null) {
            forced.unavailableReason(mode).ifPresent(r -> {
                throw new IllegalArgumentException("-D" + PROPERTY + " asks for " + forced.id() + " for "
                        + mode.shortName() + " but it cannot run here: " + r);
            });
            return new Choice(forced, "-D" + PROPERTY + "=" + property.strip());
        }
        List<String> skipped = new ArrayList<>();
        for (AeadBackend b : preference(mode, size)) {
            var reason = b.unavailableReason(mode);
            if (reason.isEmpty()) {
                return new Choice(b, skipped.isEmpty() ? "fastest measured"
                        : "fastest available; skipped " + String.join("; ", skipped));
            }
            skipped.add(b.id() + ": " + reason.get());
        }
        throw new IllegalStateException("no backend can run " + mode.wireName() + ": " + skipped);
    }

    /** The backend the property names for this mode and class, or null. The most specific entry wins. */
    static AeadBackend forced(DiscordAeadMode mode, SizeClass size, String property) {
        if (property == null || property.isBlank()) {
            return null;
        }
        AeadBackend all = null;
        AeadBackend forMode = null;
        AeadBackend forClass = null;
        for (String entry : property.split(",")) {
            String e = entry.strip();
            if (e.isEmpty()) {
                continue;
            }
            int eq = e.indexOf('=');
            if (eq < 0) {
                all = AeadBackend.of(e);
                continue;
            }
            String key = e.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            AeadBackend b = AeadBackend.of(e.substring(eq + 1));
            String algorithm = key;
            SizeClass cls = null;
            int dot = key.lastIndexOf('.');
            if (dot > 0) {
                cls = sizeClass(key.substring(dot + 1), e);
                algorithm = key.substring(0, dot);
            }
            if (DiscordAeadMode.of(algorithm) != mode) {
                continue;
            }
            if (cls == null) {
                forMode = b;
            } else if (cls == size) {
                forClass = b;
            }
        }
        return forClass != null ? forClass : forMode != null ? forMode : all;
    }

    private static SizeClass sizeClass(String name, String entry) {
        for (SizeClass s : SizeClass.values()) {
            if (s.name().equalsIgnoreCase(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("-D" + PROPERTY + " entry '" + entry
                + "': size class must be small, mtu or large");
    }
}
