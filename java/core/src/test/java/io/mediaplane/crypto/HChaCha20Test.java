package io.mediaplane.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediaplane.buffer.Bytes;
import org.junit.jupiter.api.Test;

class HChaCha20Test {
    /** draft-irtf-cfrg-xchacha-03 §2.2.1. */
    @Test
    void draftTestVector() {
        byte[] key = new byte[32];
        for (int i = 0; i < 32; i++) {
            key[i] = (byte) i;
        }
        int[] k = new int[8];
        HChaCha20.keyWords(key, k);
        byte[] nonce = Bytes.fromHex("000000090000004a0000000031415927");
        var n = java.lang.foreign.MemorySegment.ofArray(nonce);
        int[] out = new int[8];
        HChaCha20.subkey(k, Integer.reverseBytes(Bytes.i32(n, 0)), Integer.reverseBytes(Bytes.i32(n, 4)),
                Integer.reverseBytes(Bytes.i32(n, 8)), Integer.reverseBytes(Bytes.i32(n, 12)), out);
        byte[] subkey = new byte[32];
        HChaCha20.toBytes(out, subkey);
        assertThat(Bytes.toHex(subkey))
                .isEqualTo("82413b4227b27bfed30e42508a877d73a0f9e4d58a74a853c12ec41326d3ecdc");
    }

    @Test
    void counterWordIsTheBigEndianCounterReadLittleEndian() {
        // nonce bytes 00 00 00 01 read as a little-endian word
        assertThat(HChaCha20.counterWord(1)).isEqualTo(0x01000000);
        assertThat(HChaCha20.counterWord(0x11223344)).isEqualTo(0x44332211);
    }
}
