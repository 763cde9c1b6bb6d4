package io.mediaplane.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mediaplane.buffer.PacketBuffer;
import io.mediaplane.buffer.PacketPool;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

class FramePoolTest {
    @Test
    void aFrameReturnsToItsPoolWithTheLastRelease() {
        try (FramePool pool = FramePool.nativeMemory(new FramePool.SizeClass(256, 2))) {
            Frame f = pool.copyOf(Codec.H264, 90_000, 87_000, Frame.KEYFRAME, new byte[] {1, 2, 3});
            assertThat(f.toArray()).containsExactly(1, 2, 3);
            assertThat(f.pts()).isEqualTo(90_000);
            assertThat(f.dts()).isEqualTo(87_000);
            assertThat(f.codec().clockRate()).isEqualTo(90_000);
            assertThat(f.isKeyframe()).isTrue();
            assertThat(f.isConfig()).isFalse();
            assertThat(pool.outstandingFrames()).isEqualTo(1);
            f.retain();
            f.release();
            assertThat(pool.outstandingFrames()).isEqualTo(1);
            f.release();
            assertThat(pool.outstandingFrames()).isZero();
            assertThat(f.tryRetain()).as("a freed frame cannot be revived").isFalse();
            assertThatThrownBy(f::retain).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(f::release).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void slotsAreReusedSoASteadyStreamAllocatesNoNewFrames() {
        try (FramePool pool = FramePool.heap(new FramePool.SizeClass(128, 2))) {
            Frame a = pool.allocate(Codec.OPUS, 0, 0, Frame.KEYFRAME, 100);
            a.release();
            Frame b = pool.allocate(Codec.OPUS, 960, 960, Frame.KEYFRAME, 50);
            assertThat(b).isSameAs(a);
            assertThat(b.length()).isEqualTo(50);
            assertThat(b.pts()).isEqualTo(960);
            b.release();
            assertThat(pool.overflowAllocations()).isZero();
        }
    }

    @Test
    void theSmallestFittingClassIsUsedThenLargerOnesThenAnArenaOfItsOwn() {
        try (FramePool pool = FramePool.nativeMemory(new FramePool.SizeClass(1024, 1),
                new FramePool.SizeClass(64, 1))) {
            Frame small = pool.allocate(Codec.OPUS, 0, 0, Frame.KEYFRAME, 60);
            assertThat(small.capacity()).isEqualTo(64);
            Frame spilled = pool.allocate(Codec.OPUS, 0, 0, Frame.KEYFRAME, 60);
            assertThat(spilled.capacity()).as("64-byte class exhausted: next larger class").isEqualTo(1024);
            Frame huge = pool.allocate(Codec.H264, 0, 0, Frame.KEYFRAME, 5000);
            assertThat(huge.capacity()).isEqualTo(5000);
            huge.writableSegment().set(ValueLayout.JAVA_BYTE, huge.offset() + 4999, (byte) 7);
            assertThat(pool.overflowAllocations()).isEqualTo(1);
            assertThat(pool.outstandingArenas()).isEqualTo(1);
            huge.release();
            assertThat(pool.outstandingArenas()).isZero();
            small.release();
            spilled.release();
            assertThat(pool.outstandingFrames()).isZero();
        }
    }

    @Test
    void aPublishedFrameIsReadOnlyAndReleasesItsPackets() throws Exception {
        try (PacketPool packets = PacketPool.heap(4, 1200);
                StreamFixture fx = new StreamFixture()) {
            Publisher p = fx.publisher();
            Frame f = fx.video(1, true);
            PacketBuffer rtp = packets.acquire().put(new byte[] {(byte) 0x80, 96, 0, 1});
            f.attachPacket(rtp);
            assertThat(packets.outstanding()).isEqualTo(1);
            p.publish(f);
            assertThat(f.isSealed()).isTrue();
            assertThat(f.segment().isReadOnly()).isTrue();
            assertThat(f.packetCount()).isEqualTo(1);
            assertThat(f.packet(0)).isSameAs(rtp);
            assertThatThrownBy(f::writableSegment).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> f.length(3)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> p.publish(f)).as("publishing twice is misuse")
                    .isInstanceOf(IllegalStateException.class);
            p.close();
            fx.registry.close(); // frees the ring, and with it the frame and its packet
            assertThat(packets.outstanding()).isZero();
        }
    }

    @Test
    void publishingAFrameWhoseReferenceIsSharedIsRefused() throws Exception {
        try (StreamFixture fx = new StreamFixture()) {
            Publisher p = fx.publisher();
            Frame f = fx.video(1, true).retain();
            assertThatThrownBy(() -> p.publish(f)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("only reference");
            f.release();
            f.release();
        }
    }
}
