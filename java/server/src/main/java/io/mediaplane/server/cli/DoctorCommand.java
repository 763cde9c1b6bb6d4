package io.mediaplane.server.cli;

import io.mediaplane.crypto.AeadBackendChoice;
import io.mediaplane.crypto.SrtpBackend;
import io.mediaplane.crypto.SrtpContext;
import io.mediaplane.ffi.CpuFeatures;
import io.mediaplane.ffi.NativeAccess;
import io.mediaplane.ffi.NativeLibraries;
import io.mediaplane.ffi.NativeLibrary;
import io.mediaplane.ffi.TurboJpeg;
import io.mediaplane.video.JpegEncoder;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code mediaplane doctor}: what this machine gives mediaplane. Per native library: available or not (and
 * why), version, file, where it came from; the JDK; the CPU flags that decide crypto speed. Exits 1 when a
 * library is unavailable, so scripts can check an installation. Also the Discord transport AEAD backend chosen
 * for each algorithm and packet size, and why.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Check native libraries, the JDK and CPU features; exit 1 if a library is unavailable.")
final class DoctorCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.printf("mediaplane %s%n", BuildInfo.version());
        Runtime.Version jv = Runtime.version();
        out.printf("JDK         %s (%s) at %s%n", jv, System.getProperty("java.vendor"), System.getProperty("java.home"));
        out.printf("native      %s%n", NativeAccess.blockedReason().map(r -> "off: " + r).orElse("enabled"));
        CpuFeatures cpu = CpuFeatures.read();
        out.printf("CPU         %s, %d cores%n", cpu.model(), Runtime.getRuntime().availableProcessors());
        StringBuilder flags = new StringBuilder();
        for (Map.Entry<String, Boolean> f : cpu.cryptoFlags().entrySet()) {
            flags.append(f.getKey()).append(f.getValue() ? " yes  " : " no  ");
        }
        out.printf("CPU flags   %s%n", flags.toString().strip());
        out.println();
        out.println("libraries");
        List<NativeLibrary> libraries = NativeLibraries.all();
        int missing = 0;
        for (NativeLibrary lib : libraries) {
            if (lib.isAvailable()) {
                out.printf("  %-20s ok  %-10s %-8s %s%n", lib.name(), lib.version().orElse("?"),
                        lib.loadedFrom().map(c -> c.source().name().toLowerCase(java.util.Locale.ROOT)).orElse("?"),
                        lib.path().map(Object::toString).orElse("?"));
            } else {
                missing++;
                out.printf("  %-20s UNAVAILABLE: %s%n", lib.name(), lib.unavailableReason().orElseThrow());
            }
        }
        out.println();
        out.println("Discord transport AEAD backends (per algorithm and packet size; -D" + AeadBackendChoice.PROPERTY + ")");
        try {
            for (Map.Entry<String, AeadBackendChoice.Choice> c : AeadBackendChoice.all().entrySet()) {
                out.printf("  %-24s %-8s %s%n", c.getKey(), c.getValue().backend().id(), c.getValue().why());
            }
        } catch (RuntimeException e) {
            out.printf("  UNUSABLE: %s%n", e.getMessage());
            out.println();
            return 1; // a bad -D override or no backend at all: Discord voice cannot run
        }
        out.println();
        out.println("SRTP/SRTCP backend (all profiles; -D" + SrtpContext.BACKEND_PROPERTY
                + "=gcrypt|openssl|jce|libsrtp2)");
        try {
            SrtpBackend srtp = SrtpContext.DEFAULT_BACKEND;
            var unavailable = srtp.unavailableReason();
            out.printf("  %-24s %-8s %s%n", "srtp", srtp.id(), unavailable.map(r -> "UNAVAILABLE: " + r)
                    .orElse(System.getProperty(SrtpContext.BACKEND_PROPERTY) != null ? "chosen by -D"
                            : switch (srtp) {
                                case GCRYPT -> "default: AES-GCM in libgcrypt, no allocation per packet;"
                                        + " AES-CM and SRTCP in JCE";
                                case OPENSSL -> "default (libgcrypt unavailable): AES-GCM in OpenSSL EVP;"
                                        + " AES-CM and SRTCP in JCE";
                                default -> "default (no libgcrypt, no libcrypto): 4-6x Debian's libsrtp2 in the"
                                        + " SRTP benchmark";
                            }));
            if (srtp != SrtpBackend.GCRYPT) {
                SrtpBackend.GCRYPT.unavailableReason().ifPresent(r -> out.printf("  %-24s %-8s %s%n", "",
                        SrtpBackend.GCRYPT.id(), "not used: " + r));
            }
            if (unavailable.isPresent()) {
                out.println();
                return 1;
            }
        } catch (RuntimeException | ExceptionInInitializerError e) {
            out.printf("  UNUSABLE: %s%n", e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
            out.println();
            return 1;
        }
        out.println();
        out.println("JPEG backend (screen-watch snapshots; -D" + JpegEncoder.BACKEND_PROPERTY + "=turbojpeg|imageio)");
        try {
            JpegEncoder.Backend jpeg = JpegEncoder.defaultBackend();
            out.printf("  %-24s %-8s %s%n", "jpeg", jpeg.id(), jpeg == JpegEncoder.Backend.TURBOJPEG
                    ? "libturbojpeg straight from YUV planes" : "ImageIO through RGB (libturbojpeg unavailable or -D)");
            if (jpeg == JpegEncoder.Backend.TURBOJPEG) {
                TurboJpeg.library().ensureAvailable();
            }
        } catch (RuntimeException e) {
            out.printf("  UNUSABLE: %s%n", e.getMessage());
            out.println();
            return 1;
        }
        out.println();
        if (missing == 0) {
            out.printf("all %d native libraries available%n", libraries.size());
            return 0;
        }
        out.printf("%d of %d native libraries unavailable; mediaplane uses pure-Java paths where they exist%n",
                missing, libraries.size());
        return 1;
    }
}
