package io.mediaplane.codec;

import io.mediaplane.buffer.Bytes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Reads the hex vector files of src/test/resources/vectors/codec (one packet or unit per line). */
final class Vectors {
    private Vectors() {}

    static List<byte[]> lines(String name) {
        try (InputStream in = Vectors.class.getResourceAsStream("/vectors/codec/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no vector " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII).lines()
                    .filter(l -> !l.isBlank()).map(Bytes::fromHex).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] one(String name) {
        return lines(name).getFirst();
    }
}
