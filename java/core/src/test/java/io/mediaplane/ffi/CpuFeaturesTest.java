package io.mediaplane.ffi;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CpuFeaturesTest {
    @Test
    void parsesTheFirstProcessor() {
        String cpuinfo = """
                processor\t: 0
                model name\t: AMD EPYC 9R14
                flags\t\t: fpu sse2 aes pclmulqdq avx2 vaes sha_ni

                processor\t: 1
                model name\t: other
                flags\t\t: fpu
                """;
        CpuFeatures cpu = CpuFeatures.parse(cpuinfo);
        assertThat(cpu.model()).isEqualTo("AMD EPYC 9R14");
        assertThat(cpu.cryptoFlags()).containsEntry("aes", true).containsEntry("vaes", true)
                .containsEntry("avx512f", false).containsEntry("sha_ni", true);
    }
}
