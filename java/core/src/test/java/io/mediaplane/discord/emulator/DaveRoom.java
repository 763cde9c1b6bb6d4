package io.mediaplane.discord.emulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mediaplane.discord.dave.GatewayExternalSender;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The voice gateway's side of DAVE for one room (DAVE protocol, "Voice gateway opcodes" 21–31): it is the MLS
 * group's external sender (opcode 25 to every DAVE session after its Session Description), turns the key packages
 * members send (26) into external Add proposals (27) to the sessions already in the group, takes the first commit
 * (28) of an epoch and announces it (29) to the group and its Welcome (30) to the added sessions, then waits for
 * every participant's ready (23) before executing the transition (22). The first session to send a key package
 * while the group is empty is the one whose epoch-0 group the others are proposed into.
 *
 * <p>Called with the emulator's lock held.
 */
final class DaveRoom {
    private final GatewayExternalSender externalSender;
    private final long groupId;
    private final List<VoiceServerEmulator.Session> members = new ArrayList<>();
    private final Map<VoiceServerEmulator.Session, byte[]> waiting = new LinkedHashMap<>();
    private final List<VoiceServerEmulator.Session> proposed = new ArrayList<>();
    private final Set<VoiceServerEmulator.Session> awaitingReady = new LinkedHashSet<>();
    private final List<VoiceServerEmulator.Session> participants = new ArrayList<>();
    private long epoch;
    private int nextTransition = 1;
    private int pendingTransition = -1;
    private long commits;
    private long executed;
    private long invalidCommits;

    DaveRoom(long groupId) {
        this.groupId = groupId;
        try {
            this.externalSender = new GatewayExternalSender();
        } catch (Exception e) {
            throw new IllegalStateException("external sender key", e);
        }
    }

    long groupId() {
        return groupId;
    }

    /** Commits announced (opcode 29). */
    long commits() {
        return commits;
    }

    /** Transitions executed (opcode 22 sent to every participant). */
    long executed() {
        return executed;
    }

    /** Opcode 31 messages received. */
    long invalidCommits() {
        return invalidCommits;
    }

    /** The session's Session Description said DAVE version 1: it gets the external sender. */
    void onSessionDescription(VoiceServerEmulator.Session s) {
        s.sendBinary(25, externalSender.externalSenderPackage());
    }

    /** Opcode 26: a (new) key package; the session starts over outside the group. */
    void onKeyPackage(VoiceServerEmulator.Session s, byte[] keyPackage) {
        leave(s);
        waiting.put(s, keyPackage);
        propose();
    }

    /** Opcode 28: the first commit of the epoch from a group member wins; others are ignored. */
    void onCommitWelcome(VoiceServerEmulator.Session s, byte[] body) {
        if (proposed.isEmpty() || pendingTransition >= 0 || !members.contains(s)) {
            return;
        }
        byte[][] cw;
        try {
            cw = GatewayExternalSender.splitCommitWelcome(body);
        } catch (Exception e) {
            return;
        }
        int transition = nextTransition++;
        for (VoiceServerEmulator.Session m : members) {
            m.sendBinary(29, GatewayExternalSender.transition(transition, cw[0]));
        }
        if (cw[1] != null) {
            for (VoiceServerEmulator.Session p : proposed) {
                p.sendBinary(30, GatewayExternalSender.transition(transition, cw[1]));
            }
        }
        commits++;
        epoch++;
        members.addAll(proposed);
        proposed.clear();
        participants.clear();
        participants.addAll(members);
        awaitingReady.clear();
        awaitingReady.addAll(members);
        pendingTransition = transition;
    }

    /** Opcode 23: once every participant is ready the transition executes (22). */
    void onReadyForTransition(VoiceServerEmulator.Session s, int transitionId) {
        if (transitionId != pendingTransition) {
            return;
        }
        awaitingReady.remove(s);
        if (!awaitingReady.isEmpty()) {
            return;
        }
        ObjectNode d = VoiceServerEmulator.JSON.createObjectNode();
        d.put("transition_id", transitionId);
        for (VoiceServerEmulator.Session p : participants) {
            p.send(VoiceServerEmulator.VoiceOp.DAVE_EXECUTE_TRANSITION, d);
        }
        pendingTransition = -1;
        participants.clear();
        executed++;
        propose();
    }

    /** Opcode 31: the session could not use a commit or welcome; it follows with a new key package. */
    void onInvalidCommitWelcome(VoiceServerEmulator.Session s) {
        invalidCommits++;
        leave(s);
    }

    void leave(VoiceServerEmulator.Session s) {
        members.remove(s);
        waiting.remove(s);
        proposed.remove(s);
        if (awaitingReady.remove(s) && awaitingReady.isEmpty() && pendingTransition >= 0) {
            onReadyForTransition(null, pendingTransition);
        }
        if (members.isEmpty()) {
            epoch = 0; // the group is gone: the next key package starts a new one
            proposed.clear();
        }
    }

    /** Proposes every waiting key package to the group when no commit round or transition is under way. */
    private void propose() {
        if (!proposed.isEmpty() || pendingTransition >= 0 || waiting.isEmpty()) {
            return;
        }
        if (members.isEmpty()) {
            VoiceServerEmulator.Session first = waiting.keySet().iterator().next();
            waiting.remove(first);
            members.add(first);
            epoch = 0;
            if (waiting.isEmpty()) {
                return;
            }
        }
        byte[] body;
        try {
            body = externalSender.proposeAdd(groupId, epoch, List.copyOf(waiting.values()));
        } catch (Exception e) {
            throw new IllegalStateException("external proposal", e);
        }
        proposed.addAll(waiting.keySet());
        waiting.clear();
        for (VoiceServerEmulator.Session m : members) {
            m.sendBinary(27, body);
        }
    }
}
