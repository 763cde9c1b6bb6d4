/**
 * Packet memory: {@link io.mediaplane.buffer.PacketPool} slabs of fixed slots and the
 * {@link io.mediaplane.buffer.PacketBuffer} that owns one slot.
 *
 * <h2>Ownership rules</h2>
 * <ol>
 *   <li>A {@code PacketBuffer} has one owner. Handing it to another component transfers ownership; the giver
 *       stops touching it. Whoever owns it last releases it, exactly once, on every path (including drops).</li>
 *   <li>Views over a buffer (RTP, RTCP, codec descriptors) borrow it for the duration of one call chain and
 *       keep no reference afterwards.</li>
 *   <li>Transforms work in place: ciphers, padding strip and header rewrites change the bytes and
 *       {@code offset/length}, using the headroom and tailroom; they never allocate a new buffer per packet.</li>
 *   <li>Anything shared by several readers (a frame fanned out to subscribers) is read-only and
 *       reference-counted in {@code stream}; egress seals each receiver's copy in that receiver's own buffer.</li>
 *   <li>Native slabs live as long as their pool ({@code close()} frees them: one arena per pool, never one per
 *       packet). Heap slabs are garbage-collected with the pool.</li>
 * </ol>
 */
package io.mediaplane.buffer;
