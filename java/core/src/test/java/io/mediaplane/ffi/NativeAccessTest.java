package io.mediaplane.ffi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Runs small JVMs to see what a user sees when native access is off. */
class NativeAccessTest {

    /** Entry point of the child JVMs: loads every library and prints availability. */
    public static final class Probe {
        public static void main(String[] args) {
            for (NativeLibrary lib : NativeLibraries.all()) {
                System.out.println("LIB " + lib.name() + " " + lib.isAvailable());
            }
            NativeLibraries.all().forEach(l -> l.unavailabilityCause()
                    .ifPresent(c -> System.out.println("CAUSE " + c.getMessage())));
        }
    }

    private record Run(int exit, List<String> out, List<String> err) {}

    private static Run run(String... jvmArgs) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of(jvmArgs));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Probe.class.getName()));
        Process p = new ProcessBuilder(cmd).start();
        try {
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("probe JVM finished").isTrue();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            return new Run(p.exitValue(), out.lines().toList(), err.lines().filter(l -> !l.isBlank()).toList());
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void withoutTheFlagTheUserSeesOneLineNamingIt() throws Exception {
        Run r = run();
        assertThat(r.exit()).isZero();
        assertThat(r.out()).filteredOn(l -> l.startsWith("LIB ")).allMatch(l -> l.endsWith(" false"));
        // one warning from us (the logger may add a header line with time and class), none from the JDK
        assertThat(String.join("\n", r.err())).contains(NativeAccess.FLAG)
                .doesNotContain("restricted method");
        assertThat(r.err()).filteredOn(l -> l.contains(NativeAccess.FLAG)).hasSize(1);
    }

    @Test
    void thePropertyForcesPureJavaEvenWithTheFlag() throws Exception {
        Run r = run(NativeAccess.FLAG, "-Dmediaplane.native=false");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).filteredOn(l -> l.startsWith("LIB ")).hasSize(8).allMatch(l -> l.endsWith(" false"));
        assertThat(r.out()).filteredOn(l -> l.startsWith("CAUSE ")).allMatch(l -> l.contains("mediaplane.native=false"));
        assertThat(r.err()).noneMatch(l -> l.contains("restricted method"));
    }

    @Test
    void withTheFlagEveryLibraryLoads() throws Exception {
        Run r = run(NativeAccess.FLAG);
        assertThat(r.out()).filteredOn(l -> l.startsWith("LIB ")).hasSize(8).allMatch(l -> l.endsWith(" true"));
        assertThat(r.err()).isEmpty();
    }
}
