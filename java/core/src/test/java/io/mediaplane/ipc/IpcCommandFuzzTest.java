package io.mediaplane.ipc;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Jazzer target for the control-plane input path: arbitrary bytes split by {@link LineReader} (with a small line
 * limit so the too-large path is reached) and every line through {@link CommandParser}. Invariants: nothing throws,
 * a refused line is answered with {@code invalid_json} or {@code invalid_request}, an {@code invalid_request}
 * names a field. Replays the seeds under {@code IpcCommandFuzzTestInputs/commandLine/} in every test run; fuzzes
 * with JAZZER_FUZZ=1.
 */
class IpcCommandFuzzTest {
    private final CommandParser parser = new CommandParser();

    @FuzzTest(maxDuration = "20s")
    void commandLine(byte[] data) {
        LineReader lines = new LineReader(new ByteArrayInputStream(data), 4096);
        try {
            for (LineReader.Status s; (s = lines.next()) != LineReader.Status.END; ) {
                if (s == LineReader.Status.TOO_LARGE) {
                    if (lines.length() <= 4096) {
                        throw new AssertionError("a line of " + lines.length() + " bytes was refused as too large");
                    }
                    continue;
                }
                check(parser.parse(lines.buffer(), 0, (int) lines.length()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array cannot fail to read
        }
    }

    private static void check(CommandParser.Result r) {
        switch (r) {
            case CommandParser.Parsed p -> {
                if (p.command() == null || p.command().type() == null) {
                    throw new AssertionError("parsed without a command");
                }
            }
            case CommandParser.Refused f -> {
                ErrorCode code = f.error().code();
                if (code != ErrorCode.INVALID_JSON && code != ErrorCode.INVALID_REQUEST) {
                    throw new AssertionError("unexpected refusal code " + code);
                }
                if (code == ErrorCode.INVALID_REQUEST && (f.error().field() == null || f.error().field().isEmpty())) {
                    throw new AssertionError("invalid_request without a field: " + f.error());
                }
            }
        }
    }
}
