/**
 * The control-plane protocol: JSON lines of commands in, length-prefixed frames of events out, wire-compatible with
 * clankvox's IPC so a control plane written for it drives this media plane unchanged.
 *
 * <p>stdin carries one JSON object per {@code \n}-terminated line with a {@code type} discriminator ({@link
 * io.mediaplane.ipc.CommandType}); a line is at most {@link io.mediaplane.ipc.LineReader#MAX_LINE_BYTES} bytes.
 * stdout carries frames {@code [u8 kind][u32 LE length][payload]}: kind 0 is the UTF-8 JSON of an {@link
 * io.mediaplane.ipc.Event}, kind 1 binary user audio ({@link io.mediaplane.ipc.FrameKind}). stderr carries logs.
 * Bad input is answered with an {@code error} event and never stops the daemon; video events travel in a bounded
 * lossy lane, control events are never dropped ({@link io.mediaplane.ipc.EventWriter}).
 */
package io.mediaplane.ipc;
