/**
 * Discord voice and Go Live transport legs: the voice gateway client, UDP media legs (voice,
 * stream_watch, stream_publish) and the end-to-end frame encryption hook ({@link
 * io.mediaplane.discord.FrameCrypto}) that DAVE fills.
 */
package io.mediaplane.discord;
