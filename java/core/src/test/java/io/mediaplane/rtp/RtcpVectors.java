package io.mediaplane.rtp;

import io.mediaplane.buffer.Bytes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Loads the RTCP test vectors under {@code src/test/resources/vectors/rtcp/} (see the README.md there). */
final class RtcpVectors {
    static final String DIR = "/vectors/rtcp/";

    private RtcpVectors() {}

    static String text(String name) {
        try (InputStream in = RtcpVectors.class.getResourceAsStream(DIR + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test vector " + DIR + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A {@code .hex} vector: hex digits, whitespace ignored, {@code #} starts a comment to the end of the line. */
    static byte[] hex(String name) {
        StringBuilder hex = new StringBuilder();
        for (String line : text(name).split("\n")) {
            int hash = line.indexOf('#');
            hex.append(hash < 0 ? line : line.substring(0, hash));
        }
        return Bytes.fromHex(hex.toString());
    }

    static MemorySegment segment(String name) {
        return MemorySegment.ofArray(hex(name));
    }

    /** One row of the tshark export: field name → the values tshark listed for it, in packet order. */
    record CaptureRow(Map<String, List<String>> fields, byte[] payload) {
        List<String> all(String field) {
            return fields.getOrDefault(field, List.of());
        }

        String one(String field) {
            List<String> v = all(field);
            if (v.size() != 1) {
                throw new IllegalStateException(field + " has " + v.size() + " values: " + v);
            }
            return v.getFirst();
        }

        int frame() {
            return Integer.parseInt(one("frame.number"));
        }
    }

    /**
     * The tab-separated tshark export (header row of field names; {@code ;} between repeated values) of every
     * RTCP datagram in the GStreamer capture; {@code udp.payload} holds the datagram itself.
     */
    static List<CaptureRow> capture(String name) {
        String[] lines = text(name).split("\n");
        String[] header = lines[0].split("\t", -1);
        List<CaptureRow> rows = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            String[] cols = lines[i].split("\t", -1);
            Map<String, List<String>> fields = new HashMap<>();
            for (int c = 0; c < header.length; c++) {
                if (!cols[c].isEmpty()) {
                    fields.put(header[c], Arrays.asList(cols[c].split(";", -1)));
                }
            }
            rows.add(new CaptureRow(fields, Bytes.fromHex(fields.get("udp.payload").getFirst())));
        }
        return rows;
    }
}
