package io.mediaplane.server.cli;

import io.mediaplane.buffer.Bytes;
import io.mediaplane.crypto.AeadBackend;
import io.mediaplane.crypto.CipherStatus;
import io.mediaplane.crypto.DiscordAeadMode;
import io.mediaplane.crypto.DiscordTransportCipher;
import java.io.PrintWriter;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mediaplane crypto seal|open}: Discord transport encryption of one packet given in hex, printed as hex.
 * For checking a capture or a peer's packet by hand; a refused packet prints the reason and exits 1.
 */
@Command(name = "crypto", mixinStandardHelpOptions = true,
        description = "Seal or open one packet with a Discord rtpsize transport mode; prints hex.")
final class CryptoCommand implements Callable<Integer> {
    enum Action { seal, open }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", description = "seal or open")
    Action action;

    @Option(names = "--mode", required = true,
            description = "aead_aes256_gcm_rtpsize or aead_xchacha20_poly1305_rtpsize")
    String mode;

    @Option(names = "--key", required = true, description = "secret_key, 32 bytes in hex")
    String key;

    @Option(names = "--counter", defaultValue = "0",
            description = "nonce counter for seal (u32, default ${DEFAULT-VALUE}); open reads it from the packet")
    long counter;

    @Option(names = "--packet", required = true, description = "the packet in hex (RTP, or RTCP with --rtcp)")
    String packet;

    @Option(names = "--rtcp", description = "the packet is RTCP (clear header: see --rtcp-header)")
    boolean rtcp;

    @Option(names = "--rtcp-header", defaultValue = "8",
            description = "RTCP clear header bytes: 8 (header + sender SSRC, default) or 4")
    int rtcpHeader;

    @Option(names = "--backend", description = "jce, sodium or openssl (default: the measured choice)")
    String backend;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        byte[] bytes;
        DiscordTransportCipher.Builder builder;
        try {
            bytes = Bytes.fromHex(packet);
            builder = DiscordTransportCipher.builder(DiscordAeadMode.of(mode), Bytes.fromHex(key))
                    .initialCounter(counter).rtcpClearHeaderLength(rtcpHeader);
            if (backend != null) {
                builder.backend(AeadBackend.of(backend));
            }
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        byte[] buf = new byte[bytes.length + DiscordAeadMode.OVERHEAD];
        System.arraycopy(bytes, 0, buf, 0, bytes.length);
        MemorySegment s = MemorySegment.ofArray(buf);
        try (DiscordTransportCipher cipher = builder.build()) {
            int result = switch (action) {
                case seal -> rtcp ? cipher.sealRtcp(s, 0, bytes.length, buf.length)
                        : cipher.sealRtp(s, 0, bytes.length, buf.length);
                case open -> rtcp ? cipher.openRtcp(s, 0, bytes.length) : cipher.openRtp(s, 0, bytes.length);
            };
            if (result < 0) {
                CipherStatus st = CipherStatus.ofResult(result);
                err.printf("rejected: %s (%s)%n", st, st.meaning());
                return 1;
            }
            out.println(Bytes.toHex(s, 0, result));
            return 0;
        }
    }
}
