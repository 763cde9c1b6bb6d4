package io.mediaplane.crypto;

/**
 * HChaCha20 (draft-irtf-cfrg-xchacha-03 §2.2): derives the XChaCha20 subkey from the key and the first 16 nonce
 * bytes. XChaCha20-Poly1305 is then ChaCha20-Poly1305 (RFC 8439) under that subkey with the nonce
 * {@code 00000000 || nonce[16..24]}. In Discord's modes the counter sits in nonce bytes 0..3, so the subkey
 * changes with every packet and the inner nonce is always zero.
 *
 * <p>Words are little-endian (RFC 8439 §2.3); no allocation.
 */
final class HChaCha20 {
    private HChaCha20() {}

    /** Key bytes (32) as the eight little-endian words of the ChaCha state. */
    static void keyWords(byte[] key, int[] out) {
        for (int i = 0; i < 8; i++) {
            out[i] = (key[4 * i] & 0xFF) | (key[4 * i + 1] & 0xFF) << 8 | (key[4 * i + 2] & 0xFF) << 16
                    | (key[4 * i + 3] & 0xFF) << 24;
        }
    }

    /**
     * The subkey for nonce words {@code n0..n3} (nonce bytes 0..15 read little-endian), as eight words: the
     * first and last rows of the state after 20 rounds, without the feed-forward addition.
     */
    static void subkey(int[] k, int n0, int n1, int n2, int n3, int[] out) {
        int x0 = 0x61707865, x1 = 0x3320646e, x2 = 0x79622d32, x3 = 0x6b206574;
        int x4 = k[0], x5 = k[1], x6 = k[2], x7 = k[3], x8 = k[4], x9 = k[5], x10 = k[6], x11 = k[7];
        int x12 = n0, x13 = n1, x14 = n2, x15 = n3;
        for (int i = 0; i < 10; i++) {
            // column rounds
            x0 += x4; x12 = Integer.rotateLeft(x12 ^ x0, 16); x8 += x12; x4 = Integer.rotateLeft(x4 ^ x8, 12);
            x0 += x4; x12 = Integer.rotateLeft(x12 ^ x0, 8); x8 += x12; x4 = Integer.rotateLeft(x4 ^ x8, 7);
            x1 += x5; x13 = Integer.rotateLeft(x13 ^ x1, 16); x9 += x13; x5 = Integer.rotateLeft(x5 ^ x9, 12);
            x1 += x5; x13 = Integer.rotateLeft(x13 ^ x1, 8); x9 += x13; x5 = Integer.rotateLeft(x5 ^ x9, 7);
            x2 += x6; x14 = Integer.rotateLeft(x14 ^ x2, 16); x10 += x14; x6 = Integer.rotateLeft(x6 ^ x10, 12);
            x2 += x6; x14 = Integer.rotateLeft(x14 ^ x2, 8); x10 += x14; x6 = Integer.rotateLeft(x6 ^ x10, 7);
            x3 += x7; x15 = Integer.rotateLeft(x15 ^ x3, 16); x11 += x15; x7 = Integer.rotateLeft(x7 ^ x11, 12);
            x3 += x7; x15 = Integer.rotateLeft(x15 ^ x3, 8); x11 += x15; x7 = Integer.rotateLeft(x7 ^ x11, 7);
            // diagonal rounds
            x0 += x5; x15 = Integer.rotateLeft(x15 ^ x0, 16); x10 += x15; x5 = Integer.rotateLeft(x5 ^ x10, 12);
            x0 += x5; x15 = Integer.rotateLeft(x15 ^ x0, 8); x10 += x15; x5 = Integer.rotateLeft(x5 ^ x10, 7);
            x1 += x6; x12 = Integer.rotateLeft(x12 ^ x1, 16); x11 += x12; x6 = Integer.rotateLeft(x6 ^ x11, 12);
            x1 += x6; x12 = Integer.rotateLeft(x12 ^ x1, 8); x11 += x12; x6 = Integer.rotateLeft(x6 ^ x11, 7);
            x2 += x7; x13 = Integer.rotateLeft(x13 ^ x2, 16); x8 += x13; x7 = Integer.rotateLeft(x7 ^ x8, 12);
            x2 += x7; x13 = Integer.rotateLeft(x13 ^ x2, 8); x8 += x13; x7 = Integer.rotateLeft(x7 ^ x8, 7);
            x3 += x4; x14 = Integer.rotateLeft(x14 ^ x3, 16); x9 += x14; x4 = Integer.rotateLeft(x4 ^ x9, 12);
            x3 += x4; x14 = Integer.rotateLeft(x14 ^ x3, 8); x9 += x14; x4 = Integer.rotateLeft(x4 ^ x9, 7);
        }
        out[0] = x0; out[1] = x1; out[2] = x2; out[3] = x3;
        out[4] = x12; out[5] = x13; out[6] = x14; out[7] = x15;
    }

    /** Nonce words for Discord's nonce: the counter big-endian in bytes 0..3, zeros after. */
    static int counterWord(int counter) {
        return Integer.reverseBytes(counter);
    }

    /** Writes eight words as 32 little-endian bytes. */
    static void toBytes(int[] words, byte[] out) {
        for (int i = 0; i < 8; i++) {
            int w = words[i];
            out[4 * i] = (byte) w;
            out[4 * i + 1] = (byte) (w >>> 8);
            out[4 * i + 2] = (byte) (w >>> 16);
            out[4 * i + 3] = (byte) (w >>> 24);
        }
    }
}
