package io.mediaplane.discord.dave;

import io.mediaplane.crypto.TruncatedTagAesGcm;
import io.mediaplane.discord.DaveHook;
import io.mediaplane.discord.FrameCrypto;
import io.mediaplane.discord.VoiceOpcode;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Connects a {@link DaveSession} to a Discord leg: the leg's {@link DaveHook} calls become session input (JSON
 * opcodes 21, 22, 24 read with {@link DaveMessages#intField}; binary opcodes 25, 27, 29, 30 as they come), the
 * session's answers go out through the leg's {@link DaveHook.GatewaySender}, and {@link #frameCrypto()} is what
 * the leg's {@code LegConfig} takes as its frame crypto. Announces DAVE protocol version 1.
 *
 * <pre>{@code
 * DaveGatewayHook dave = new DaveGatewayHook(selfUserId, groupId); // channel id, or rtc_server_id - 1 for streams
 * LegConfig.builder()...daveHook(dave).frameCrypto(dave.frameCrypto())...
 * }</pre>
 *
 * Malformed JSON payloads and binary frames of opcodes the session does not take are dropped and counted.
 */
public final class DaveGatewayHook implements DaveHook, AutoCloseable {
    /** The DAVE protocol version this implementation speaks. */
    public static final int PROTOCOL_VERSION = 1;

    private final DaveSession session;
    private volatile GatewaySender sender;
    private final AtomicLong dropped = new AtomicLong();

    public DaveGatewayHook(long selfUserId, long groupId) {
        this(selfUserId, groupId, System::nanoTime, TruncatedTagAesGcm.defaultBackend());
    }

    public DaveGatewayHook(long selfUserId, long groupId, LongSupplier clock, TruncatedTagAesGcm.Backend backend) {
        this.session = new DaveSession(selfUserId, groupId, new DaveSession.GatewaySink() {
            @Override
            public void sendBinary(VoiceOpcode op, byte[] payload) {
                GatewaySender s = sender;
                if (s != null) {
                    s.sendBinary(op.code(), payload);
                }
            }

            @Override
            public void sendJson(VoiceOpcode op, String data) {
                GatewaySender s = sender;
                if (s != null) {
                    s.sendJson(op.code(), data);
                }
            }
        }, clock, backend);
    }

    /** The leg's frame crypto: the session. */
    public FrameCrypto frameCrypto() {
        return session;
    }

    public DaveSession session() {
        return session;
    }

    /** Gateway messages dropped as malformed or unexpected. */
    public long droppedCount() {
        return dropped.get();
    }

    @Override
    public int maxProtocolVersion() {
        return PROTOCOL_VERSION;
    }

    @Override
    public void onSessionDescription(int daveProtocolVersion, GatewaySender sender) {
        this.sender = sender;
        session.onSelectProtocolAck(Math.min(daveProtocolVersion, PROTOCOL_VERSION));
    }

    @Override
    public void onJson(VoiceOpcode opcode, String payloadJson, GatewaySender sender) {
        this.sender = sender;
        long transition = DaveMessages.intField(payloadJson, "transition_id");
        long version = DaveMessages.intField(payloadJson, "protocol_version");
        switch (opcode.code()) {
            case 21 -> {
                if (transition < 0 || transition > 0xFFFF || version < 0 || version > 0xFFFF) {
                    dropped.incrementAndGet();
                    return;
                }
                session.onPrepareTransition((int) transition, (int) version);
            }
            case 22 -> {
                if (transition < 0 || transition > 0xFFFF) {
                    dropped.incrementAndGet();
                    return;
                }
                session.onExecuteTransition((int) transition);
            }
            case 24 -> {
                long epoch = DaveMessages.intField(payloadJson, "epoch");
                if (version < 0 || version > 0xFFFF || epoch < 0) {
                    dropped.incrementAndGet();
                    return;
                }
                session.onPrepareEpoch((int) version, epoch);
            }
            default -> dropped.incrementAndGet();
        }
    }

    @Override
    public void onBinary(int sequence, int opcode, byte[] payload, GatewaySender sender) {
        this.sender = sender;
        if (!session.onBinary(opcode, payload)) {
            dropped.incrementAndGet();
        }
    }

    @Override
    public void onClientsConnect(Set<Long> userIds) {
        session.onClientsConnect(userIds);
    }

    @Override
    public void onClientDisconnect(long userId) {
        session.onClientDisconnect(userId);
    }

    @Override
    public void onSessionLost() {
        session.onSessionLost();
    }

    @Override
    public void close() {
        session.close();
    }
}
