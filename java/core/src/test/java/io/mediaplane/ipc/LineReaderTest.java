package io.mediaplane.ipc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LineReaderTest {
    /** Lines as text, a refused line as "TOO_LARGE:length". */
    private static List<String> readAll(InputStream in, int max) throws IOException {
        LineReader r = new LineReader(in, max);
        List<String> out = new ArrayList<>();
        for (LineReader.Status s; (s = r.next()) != LineReader.Status.END; ) {
            out.add(s == LineReader.Status.LINE
                    ? new String(r.buffer(), 0, (int) r.length(), StandardCharsets.UTF_8)
                    : "TOO_LARGE:" + r.length());
        }
        return out;
    }

    private static List<String> readAll(String text, int max) throws IOException {
        return readAll(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), max);
    }

    @Test
    void splitsOnNewlineStripsCarriageReturnAndKeepsAnUnterminatedLastLine() throws IOException {
        assertThat(readAll("a\nbb\r\n\n ccc", 100)).containsExactly("a", "bb", "", " ccc");
        assertThat(readAll("", 100)).isEmpty();
        assertThat(readAll("x\n", 100)).containsExactly("x");
    }

    @Test
    void aLineOfExactlyTheLimitPassesOneByteMoreIsRefusedAndReadingGoesOn() throws IOException {
        String limit = "y".repeat(16);
        assertThat(readAll(limit + "\n" + limit + "z\nnext\n", 16))
                .containsExactly(limit, "TOO_LARGE:17", "next");
        // the '\r' of CRLF does not count against the limit
        assertThat(readAll(limit + "\r\nnext", 16)).containsExactly(limit, "next");
    }

    @Test
    void aRefusedLineIsSkippedWithoutBeingKept() throws IOException {
        int max = 1024;
        // far longer than the limit and than the read chunk: the reader must not grow with it
        String huge = "h".repeat(300_000);
        LineReader r = new LineReader(new ByteArrayInputStream((huge + "\nok\n").getBytes(StandardCharsets.US_ASCII)), max);
        assertThat(r.next()).isEqualTo(LineReader.Status.TOO_LARGE);
        assertThat(r.length()).isEqualTo(300_000);
        assertThat(r.buffer().length).isLessThanOrEqualTo(max + 1);
        assertThat(r.next()).isEqualTo(LineReader.Status.LINE);
        assertThat(new String(r.buffer(), 0, (int) r.length(), StandardCharsets.US_ASCII)).isEqualTo("ok");
        assertThat(r.next()).isEqualTo(LineReader.Status.END);
    }

    @Test
    void aTooLargeLastLineWithoutNewlineIsRefused() throws IOException {
        assertThat(readAll("ok\n" + "x".repeat(40), 32)).containsExactly("ok", "TOO_LARGE:40");
    }

    /** Whatever sizes the stream's reads come in, the lines are the same. */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 20261121})
    void readSizesDoNotChangeTheLines(long seed) throws IOException {
        Random random = new Random(seed);
        StringBuilder text = new StringBuilder();
        List<String> expected = new ArrayList<>();
        int max = 200;
        for (int i = 0; i < 300; i++) {
            int len = random.nextInt(random.nextInt(10) == 0 ? 100_000 : 300);
            String line = "L" + i + "-" + "q".repeat(len);
            text.append(line).append(random.nextBoolean() ? "\n" : "\r\n");
            expected.add(line.length() > max ? "TOO_LARGE" : line);
        }
        byte[] bytes = text.toString().getBytes(StandardCharsets.US_ASCII);
        InputStream choppy = new InputStream() {
            int pos;

            @Override
            public int read() {
                return pos < bytes.length ? bytes[pos++] & 0xFF : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (pos == bytes.length) {
                    return -1;
                }
                int n = Math.min(Math.min(len, 1 + random.nextInt(5000)), bytes.length - pos);
                System.arraycopy(bytes, pos, b, off, n);
                pos += n;
                return n;
            }
        };
        // a refused CRLF line's reported length includes its '\r'; here only which lines were refused matters
        assertThat(readAll(choppy, max)).map(l -> l.startsWith("TOO_LARGE:") ? "TOO_LARGE" : l)
                .containsExactlyElementsOf(expected);
    }
}
