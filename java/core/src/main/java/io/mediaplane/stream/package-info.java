/**
 * The stream kernel: one publisher, many consumers, inside one process.
 *
 * <ul>
 *   <li>{@link io.mediaplane.stream.StreamRegistry} maps a {@link io.mediaplane.stream.StreamKey} to a stream with
 *       one exclusive {@link io.mediaplane.stream.Publisher} (a newer one may take over) and any number of
 *       {@link io.mediaplane.stream.Subscription}s, and reports events to {@link io.mediaplane.stream.StreamObserver}s.</li>
 *   <li>{@link io.mediaplane.stream.Frame}s are immutable once published and reference-counted; their memory
 *       comes from a {@link io.mediaplane.stream.FramePool} (slabs per size class) and goes back with the last
 *       release.</li>
 *   <li>Fan-out is a single-writer ring of frame references per stream. Publishing writes one slot and the
 *       sequence and never looks at subscribers, so it costs the same for 1 or 10,000 of them; each subscription
 *       owns its cursor, polls, detects that it was overrun by comparing sequences, and skips to a keyframe.</li>
 *   <li>The GOP cache is a keyframe-anchored window of the same ring, bounded in frames and bytes, plus the codec
 *       configuration kept aside: a late joiner reads config, then the window from its keyframe, then live frames,
 *       as one run of sequences (no gap, no duplicate), with the replayed part marked.</li>
 * </ul>
 *
 * <h2>References</h2>
 * The ring holds one reference per slot. A subscriber takes its own with {@link io.mediaplane.stream.Frame#tryRetain()}
 * and checks that the slot still holds the sequence it wanted; it releases after delivering. So a slot overwritten
 * while a slow subscriber reads it frees the frame only when that subscriber is done. Anything that keeps a frame
 * beyond a callback retains it. Tests count {@link io.mediaplane.stream.FramePool#outstandingFrames()} to catch leaks.
 */
package io.mediaplane.stream;
