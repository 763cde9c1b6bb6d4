package io.mediaplane.webrtc;

import io.mediaplane.rtp.RtpPacket;

/** Where a publisher's RTP goes besides the viewers: e.g. depacketizers feeding the stream kernel. */
public interface StreamFeed extends AutoCloseable {
    /** One opened RTP packet of {@code media}; valid only during the call. Runs on the media port thread. */
    void accept(NegotiatedMedia media, RtpPacket packet);

    @Override
    void close();
}
