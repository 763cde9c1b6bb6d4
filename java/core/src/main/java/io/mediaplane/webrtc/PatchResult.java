package io.mediaplane.webrtc;

/** The outcome of a WHIP/WHEP PATCH (RFC 9725 §4.3). */
public sealed interface PatchResult {
    /** Trickled candidates taken (a lite agent learns addresses from checks anyway): 204. */
    record Trickled() implements PatchResult { }

    /** ICE restarted: 200 with our new credentials as an sdpfrag and the new entity-tag. */
    record Restarted(String sdpfrag, String etag) implements PatchResult { }

    /** No such session: 404. */
    record NotFound() implements PatchResult { }

    /** If-Match names another entity-tag: 412 (RFC 9110 §13.1.1). */
    record PreconditionFailed() implements PatchResult { }

    /** The fragment is malformed or the restart was refused: 400; the existing ICE session is kept. */
    record Invalid(String detail) implements PatchResult { }
}
