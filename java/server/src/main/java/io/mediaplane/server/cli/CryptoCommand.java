package io.mediaplane.server.cli;

import io.mediaplane.buffer.Bytes;
import io.mediaplane.crypto.AeadBackend;
import io.mediaplane.crypto.CipherStatus;
import io.mediaplane.crypto.DiscordAeadMode;
import io.mediaplane.crypto.DiscordTransportCipher;
import io.mediaplane.crypto.PacketCipher;
import io.mediaplane.crypto.SrtpBackend;
import io.mediaplane.crypto.SrtpContext;
import io.mediaplane.crypto.SrtpProfile;
import java.io.PrintWriter;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mediaplane crypto seal|open}: Discord transport encryption of one packet given in hex, printed as hex;
 * {@code mediaplane crypto protect|unprotect}: SRTP/SRTCP of one packet. For checking a capture or a peer's
 * packet by hand; a refused packet prints the reason and exits 1.
 */
@Command(name = "crypto", mixinStandardHelpOptions = true,
        description = "Seal or open one packet with a Discord rtpsize transport mode, or protect or unprotect one"
                + " SRTP/SRTCP packet; prints hex.")
final class CryptoCommand implements Callable<Integer> {
    enum Action { seal, open, protect, unprotect }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", description = "seal or open (Discord), protect or unprotect (SRTP)")
    Action action;

    @Option(names = "--mode", description = "seal/open: aead_aes256_gcm_rtpsize or aead_xchacha20_poly1305_rtpsize")
    String mode;

    @Option(names = "--key", description = "seal/open: secret_key, 32 bytes in hex")
    String key;

    @Option(names = "--profile", description = "protect/unprotect: AES_CM_128_HMAC_SHA1_80, AES_CM_128_HMAC_SHA1_32,"
            + " AEAD_AES_128_GCM or AEAD_AES_256_GCM")
    String profile;

    @Option(names = "--master", description = "protect/unprotect: master key ‖ master salt in hex")
    String master;

    @Option(names = "--roc", defaultValue = "0", description = "protect/unprotect: rollover counter of the packet"
            + " (default ${DEFAULT-VALUE})")
    long roc;

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

    @Option(names = "--backend", description = "seal/open: jce, sodium or openssl (default: the measured choice);"
            + " protect/unprotect: gcrypt, openssl, jce or libsrtp2 (default: the first of gcrypt, openssl, jce that"
            + " loads)")
    String backend;

    @Override
    public Integer call() {
        if (action == Action.protect || action == Action.unprotect) {
            return srtp();
        }
        if (mode == null || key == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "seal/open need --mode and --key");
        }
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
        try (DiscordTransportCipher cipher = builder.build()) {
            return run(cipher, action == Action.seal, bytes);
        }
    }

    private Integer srtp() {
        if (profile == null || master == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "protect/unprotect need --profile and --master");
        }
        byte[] bytes;
        SrtpContext.Builder builder;
        try {
            SrtpProfile p = SrtpProfile.byName(profile).orElseThrow(
                    () -> new IllegalArgumentException("unknown SRTP profile " + profile));
            bytes = Bytes.fromHex(packet);
            byte[] m = Bytes.fromHex(master);
            builder = SrtpContext.builder(p, m, m).initialRoc(roc);
            if (backend != null) {
                builder.backend(SrtpBackend.byId(backend));
            }
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        try (SrtpContext context = builder.build()) {
            return run(context, action == Action.protect, bytes);
        }
    }

    private int run(PacketCipher cipher, boolean seal, byte[] bytes) {
        byte[] buf = new byte[bytes.length + cipher.maxOverhead()];
        System.arraycopy(bytes, 0, buf, 0, bytes.length);
        MemorySegment s = MemorySegment.ofArray(buf);
        int result = seal ? (rtcp ? cipher.sealRtcp(s, 0, bytes.length, buf.length)
                : cipher.sealRtp(s, 0, bytes.length, buf.length))
                : (rtcp ? cipher.openRtcp(s, 0, bytes.length) : cipher.openRtp(s, 0, bytes.length));
        if (result < 0) {
            CipherStatus st = CipherStatus.ofResult(result);
            spec.commandLine().getErr().printf("rejected: %s (%s)%n", st, st.meaning());
            return 1;
        }
        spec.commandLine().getOut().println(Bytes.toHex(s, 0, result));
        return 0;
    }
}
