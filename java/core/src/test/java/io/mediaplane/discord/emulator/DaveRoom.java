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
 * <p>Members leave ({@link #remove}): one whose Add is still uncommitted has it revoked (27, operation 1, by
 * ProposalRef); one in the group gets an external Remove proposal for its leaf (27), committed like an Add. A
 * session that sends a new key package while in the group (after opcode 31) is removed and added again. The room
 * mirrors the ratchet tree's leaves to name them: a commit applies Removes before Adds (RFC 9420 §12.3), an Add
 * takes the leftmost blank leaf or extends the tree (§12.1.1), a Remove blanks its leaf (§12.1.3).
 *
 * <p>Called with the emulator's lock held.
 */
final class DaveRoom {
    private final GatewayExternalSender externalSender;
    private final long groupId;
    /** Sessions in the group's current epoch, still connected. */
    private final List<VoiceServerEmulator.Session> members = new ArrayList<>();
    /** The tree's leaves by index; null where blank. Holds departed members until their Remove is committed. */
    private final List<VoiceServerEmulator.Session> leaves = new ArrayList<>();
    private final Map<VoiceServerEmulator.Session, byte[]> waiting = new LinkedHashMap<>();
    private final List<Integer> pendingRemovals = new ArrayList<>();
    /** The open round's Adds with their proposal messages (for a revoke), in proposal order. */
    private final Map<VoiceServerEmulator.Session, byte[]> proposed = new LinkedHashMap<>();
    private final List<Integer> proposedRemovals = new ArrayList<>();
    private final Set<VoiceServerEmulator.Session> awaitingReady = new LinkedHashSet<>();
    private final List<VoiceServerEmulator.Session> participants = new ArrayList<>();
    private long epoch;
    private int nextTransition = 1;
    private int pendingTransition = -1;
    private long commits;
    private long executed;
    private long invalidCommits;
    private long removals;
    private long revocations;

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

    /** Remove proposals sent. */
    long removals() {
        return removals;
    }

    /** Add proposals revoked. */
    long revocations() {
        return revocations;
    }

    /** The MLS epoch the gateway believes the group is in. */
    long epoch() {
        return epoch;
    }

    /** The session's Session Description said DAVE version 1: it gets the external sender. */
    void onSessionDescription(VoiceServerEmulator.Session s) {
        s.sendBinary(25, externalSender.externalSenderPackage());
    }

    /** Opcode 26: a (new) key package; the session starts over outside the group. */
    void onKeyPackage(VoiceServerEmulator.Session s, byte[] keyPackage) {
        remove(s);
        waiting.put(s, keyPackage);
        propose();
    }

    /** Opcode 28: the first commit of the round from a group member wins; others are ignored. */
    void onCommitWelcome(VoiceServerEmulator.Session s, byte[] body) {
        if (!roundOpen() || pendingTransition >= 0 || !members.contains(s)) {
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
            for (VoiceServerEmulator.Session p : proposed.keySet()) {
                p.sendBinary(30, GatewayExternalSender.transition(transition, cw[1]));
            }
        }
        for (int leaf : proposedRemovals) {
            leaves.set(leaf, null);
        }
        for (VoiceServerEmulator.Session p : proposed.keySet()) {
            int blank = leaves.indexOf(null);
            if (blank >= 0) {
                leaves.set(blank, p);
            } else {
                leaves.add(p);
            }
        }
        while (!leaves.isEmpty() && leaves.getLast() == null) {
            leaves.removeLast(); // truncation, RFC 9420 §12.1.3
        }
        commits++;
        epoch++;
        members.addAll(proposed.keySet());
        proposed.clear();
        proposedRemovals.clear();
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
        remove(s);
        propose();
    }

    /**
     * The session left the call (or starts over): its key package is forgotten, its uncommitted Add revoked, its
     * leaf queued for a Remove proposal.
     */
    void remove(VoiceServerEmulator.Session s) {
        waiting.remove(s);
        byte[] add = proposed.remove(s);
        participants.remove(s);
        if (members.remove(s)) {
            int leaf = leaves.indexOf(s);
            if (leaf >= 0) {
                pendingRemovals.add(leaf);
            }
        }
        if (members.isEmpty()) {
            // the group is gone: the next key package starts a new one
            epoch = 0;
            leaves.clear();
            pendingRemovals.clear();
            proposed.clear();
            proposedRemovals.clear();
            awaitingReady.clear();
            pendingTransition = -1;
            return;
        }
        if (add != null) {
            revocations++;
            byte[] body = externalSender.revoke(List.of(add));
            for (VoiceServerEmulator.Session m : members) {
                m.sendBinary(27, body);
            }
        }
        if (awaitingReady.remove(s) && awaitingReady.isEmpty() && pendingTransition >= 0) {
            onReadyForTransition(null, pendingTransition);
        }
    }

    /** {@link #remove} and then the next round's proposals, if none is under way. */
    void leave(VoiceServerEmulator.Session s) {
        remove(s);
        propose();
    }

    private boolean roundOpen() {
        return !proposed.isEmpty() || !proposedRemovals.isEmpty();
    }

    /**
     * Proposes the queued Removes and every waiting key package to the group (one opcode 27 append) when no commit
     * round or transition is under way.
     */
    private void propose() {
        if (roundOpen() || pendingTransition >= 0 || (waiting.isEmpty() && pendingRemovals.isEmpty())) {
            return;
        }
        if (members.isEmpty()) {
            VoiceServerEmulator.Session first = waiting.keySet().iterator().next();
            waiting.remove(first);
            members.add(first);
            leaves.clear();
            leaves.add(first);
            epoch = 0;
            if (waiting.isEmpty()) {
                return;
            }
        }
        List<byte[]> messages = new ArrayList<>();
        try {
            for (int leaf : pendingRemovals) {
                messages.add(externalSender.removeProposal(groupId, epoch, leaf));
                removals++;
            }
            for (Map.Entry<VoiceServerEmulator.Session, byte[]> e : waiting.entrySet()) {
                byte[] m = externalSender.addProposal(groupId, epoch, e.getValue());
                proposed.put(e.getKey(), m);
                messages.add(m);
            }
        } catch (Exception e) {
            throw new IllegalStateException("external proposal", e);
        }
        proposedRemovals.addAll(pendingRemovals);
        pendingRemovals.clear();
        waiting.clear();
        byte[] body = GatewayExternalSender.proposals(0, messages);
        for (VoiceServerEmulator.Session m : members) {
            m.sendBinary(27, body);
        }
    }
}
