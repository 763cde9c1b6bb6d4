package io.mediaplane.server.cli;

import java.net.URI;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code mediaplane rtp depay|pay}: pull video out of RTP (a capture or a live port), or send a file as RTP. */
@Command(name = "rtp", mixinStandardHelpOptions = true,
        description = "Depacketize RTP video into a file, or packetize a file and send it as RTP.",
        subcommands = {RtpDepayCommand.class, RtpPayCommand.class})
final class RtpCommand implements Runnable {
    /** The video payload formats the commands handle. */
    enum Codec { H264, VP8 }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Parses {@code udp://HOST:PORT}; null if {@code value} is not a UDP URI. */
    static java.net.InetSocketAddress udpAddress(CommandLine cli, String value) {
        if (!value.startsWith("udp://")) {
            return null;
        }
        URI uri = URI.create(value);
        if (uri.getHost() == null || uri.getPort() <= 0) {
            throw new CommandLine.ParameterException(cli, "expected udp://HOST:PORT, got " + value);
        }
        return new java.net.InetSocketAddress(uri.getHost(), uri.getPort());
    }

    /** An SSRC given in decimal or as 0x-prefixed hex. */
    static Integer parseSsrc(String value) {
        if (value == null) {
            return null;
        }
        return value.startsWith("0x") || value.startsWith("0X") ? (int) Long.parseLong(value.substring(2), 16)
                : (int) Long.parseLong(value);
    }
}
