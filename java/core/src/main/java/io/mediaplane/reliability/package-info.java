/**
 * RTP reliability on both ends of a stream: what lies between the socket and the payload formats.
 *
 * <p>Receive side: {@link io.mediaplane.reliability.ReorderBuffer} puts packets back in sequence order (bounded by
 * packet count and waiting time) and drops duplicates; {@link io.mediaplane.reliability.NackGenerator} asks for
 * missing packets with generic NACKs (RFC 4585 §6.2.1) under retry and age limits, spaced by the round-trip time;
 * {@link io.mediaplane.reliability.RtxUnwrapper} turns RFC 4588 retransmissions back into the original packets;
 * {@link io.mediaplane.reliability.KeyframeRequester} sends PLI (RFC 4585 §6.3.1) or FIR (RFC 5104 §4.3.1), coalesced;
 * {@link io.mediaplane.reliability.ReceiverStatistics} keeps RFC 3550 A.1/A.3/A.8 statistics for receiver report
 * blocks.
 *
 * <p>Send side: {@link io.mediaplane.reliability.RetransmissionHistory} keeps copies of recently sent packets in
 * pooled buffers and answers NACKs, over RTX when negotiated; {@link io.mediaplane.reliability.SenderReporter}
 * writes sender reports (NTP ↔ RTP timestamp mapping, packet and octet counts) and measures the round-trip time
 * from the report blocks that come back.
 *
 * <p>Time: every method that needs the time takes {@code nowNanos}, read by the caller from its injected
 * {@link io.mediaplane.reliability.NanoClock} once per packet or batch, so tests run on a manual clock and are
 * deterministic. Hot paths allocate nothing in steady state and return a
 * {@link io.mediaplane.reliability.ReliabilityStatus}, counted in {@link io.mediaplane.reliability.ReliabilityCounters};
 * exceptions mean API misuse. Not thread-safe: one instance per stream, owned by its I/O thread.
 */
package io.mediaplane.reliability;
