package io.mediaplane.crypto;

import java.util.Arrays;
import java.util.Objects;

/**
 * The SRTP master keys of one DTLS-SRTP association (RFC 5764 §4.2): the exporter output with label
 * {@value #EXPORTER_LABEL} and no context, {@code 2·(key + salt)} bytes, is
 * {@code client_write_key ‖ server_write_key ‖ client_write_salt ‖ server_write_salt}. The DTLS client
 * protects with the client key and salt; the server with the server ones.
 *
 * <p>Arrays are copied in and out; {@link #destroy()} zeroes this record's copies.
 */
public record SrtpKeyingMaterial(SrtpProfile profile, byte[] clientKey, byte[] clientSalt, byte[] serverKey,
        byte[] serverSalt) {
    public static final String EXPORTER_LABEL = "EXTRACTOR-dtls_srtp";

    /** The DTLS side of the WebRTC stack: RFC 5705 keying material exporter of a finished handshake. */
    @FunctionalInterface
    public interface DtlsExporter {
        /** {@code length} bytes exported under {@code label} with no context value. */
        byte[] exportKeyingMaterial(String label, int length);
    }

    public SrtpKeyingMaterial {
        Objects.requireNonNull(profile, "profile");
        check(clientKey, profile.keyLength(), "client key");
        check(serverKey, profile.keyLength(), "server key");
        check(clientSalt, profile.saltLength(), "client salt");
        check(serverSalt, profile.saltLength(), "server salt");
        clientKey = clientKey.clone();
        clientSalt = clientSalt.clone();
        serverKey = serverKey.clone();
        serverSalt = serverSalt.clone();
    }

    private static void check(byte[] b, int length, String what) {
        if (b == null || b.length != length) {
            throw new IllegalArgumentException(what + " must be " + length + " bytes");
        }
    }

    /** Exporter output length for {@code profile}. */
    public static int exporterLength(SrtpProfile profile) {
        return 2 * profile.masterLength();
    }

    /** Splits exporter output (RFC 5764 §4.2). */
    public static SrtpKeyingMaterial fromExporterOutput(SrtpProfile profile, byte[] exported) {
        int k = profile.keyLength();
        int s = profile.saltLength();
        if (exported == null || exported.length != 2 * (k + s)) {
            throw new IllegalArgumentException(profile + " needs " + exporterLength(profile) + " exported bytes");
        }
        return new SrtpKeyingMaterial(profile, Arrays.copyOfRange(exported, 0, k),
                Arrays.copyOfRange(exported, 2 * k, 2 * k + s), Arrays.copyOfRange(exported, k, 2 * k),
                Arrays.copyOfRange(exported, 2 * k + s, 2 * k + 2 * s));
    }

    /** Asks the DTLS stack for the keying material of the negotiated {@code profile} and splits it. */
    public static SrtpKeyingMaterial export(SrtpProfile profile, DtlsExporter exporter) {
        byte[] out = exporter.exportKeyingMaterial(EXPORTER_LABEL, exporterLength(profile));
        try {
            return fromExporterOutput(profile, out);
        } finally {
            Arrays.fill(out, (byte) 0);
        }
    }

    @Override
    public byte[] clientKey() {
        return clientKey.clone();
    }

    @Override
    public byte[] clientSalt() {
        return clientSalt.clone();
    }

    @Override
    public byte[] serverKey() {
        return serverKey.clone();
    }

    @Override
    public byte[] serverSalt() {
        return serverSalt.clone();
    }

    /** {@code key ‖ salt} this side protects with: the client's when {@code client}, else the server's. */
    public byte[] localMaster(boolean client) {
        return concat(client ? clientKey : serverKey, client ? clientSalt : serverSalt);
    }

    /** {@code key ‖ salt} the peer protects with. */
    public byte[] remoteMaster(boolean client) {
        return localMaster(!client);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    public void destroy() {
        Arrays.fill(clientKey, (byte) 0);
        Arrays.fill(clientSalt, (byte) 0);
        Arrays.fill(serverKey, (byte) 0);
        Arrays.fill(serverSalt, (byte) 0);
    }

    @Override
    public String toString() {
        return "SrtpKeyingMaterial[" + profile + ", keys hidden]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SrtpKeyingMaterial m && m.profile == profile && Arrays.equals(m.clientKey, clientKey)
                && Arrays.equals(m.clientSalt, clientSalt) && Arrays.equals(m.serverKey, serverKey)
                && Arrays.equals(m.serverSalt, serverSalt);
    }

    @Override
    public int hashCode() {
        return profile.hashCode();
    }
}
