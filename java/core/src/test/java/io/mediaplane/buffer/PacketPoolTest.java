package io.mediaplane.buffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PacketPoolTest {
    static List<BiFunction<Integer, Integer, PacketPool>> kinds() {
        return List.of(PacketPool::heap, PacketPool::nativeMemory);
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void aFreshBufferIsEmptyWithRoomOnBothSides(BiFunction<Integer, Integer, PacketPool> kind) {
        try (PacketPool pool = kind.apply(4, 1200)) {
            PacketBuffer b = pool.acquire();
            assertThat(b.length()).isZero();
            assertThat(b.headroom()).isEqualTo(PacketPool.MIN_ROOM);
            assertThat(b.tailroom()).isEqualTo(1200 + PacketPool.MIN_ROOM);
            assertThat(b.offset() % pool.stride()).isEqualTo(PacketPool.MIN_ROOM);
            b.release();
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void prependAndAppendGrowInPlace(BiFunction<Integer, Integer, PacketPool> kind) {
        try (PacketPool pool = kind.apply(2, 100)) {
            PacketBuffer b = pool.acquire().put(new byte[] {1, 2, 3});
            long start = b.offset();
            long head = b.prepend(12);
            assertThat(head).isEqualTo(start - 12);
            long tag = b.append(16);
            assertThat(tag).isEqualTo(start + 3);
            assertThat(b.length()).isEqualTo(31);
            assertThat(b.headroom()).isEqualTo(PacketPool.MIN_ROOM - 12);
            b.trimFront(12);
            b.trimBack(16);
            assertThat(b.toArray()).containsExactly(1, 2, 3);
            assertThatThrownBy(() -> b.prepend(PacketPool.MIN_ROOM + 1)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> b.append(b.tailroom() + 1)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> b.length(b.writableLength() + 1)).isInstanceOf(IndexOutOfBoundsException.class);
            b.release();
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void anExhaustedPoolReturnsNullAndCountsIt(BiFunction<Integer, Integer, PacketPool> kind) {
        try (PacketPool pool = kind.apply(3, 64)) {
            List<PacketBuffer> taken = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                taken.add(pool.acquire());
            }
            assertThat(taken).doesNotContainNull().doesNotHaveDuplicates();
            assertThat(pool.acquire()).isNull();
            assertThat(pool.exhaustedCount()).isEqualTo(1);
            assertThat(pool.outstanding()).isEqualTo(3);
            taken.forEach(PacketBuffer::release);
            assertThat(pool.outstanding()).isZero();
            assertThat(pool.acquire()).isNotNull().satisfies(PacketBuffer::release);
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void useAfterReleaseAndDoubleReleaseAreRefused(BiFunction<Integer, Integer, PacketPool> kind) {
        try (PacketPool pool = kind.apply(1, 64)) {
            PacketBuffer b = pool.acquire();
            b.release();
            assertThatThrownBy(b::release).isInstanceOf(IllegalStateException.class).hasMessageContaining("after release");
            assertThatThrownBy(b::segment).isInstanceOf(IllegalStateException.class);
            assertThat(pool.outstanding()).isZero();
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void slotsDoNotOverlap(BiFunction<Integer, Integer, PacketPool> kind) {
        try (PacketPool pool = kind.apply(8, 50)) {
            List<PacketBuffer> all = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                PacketBuffer b = pool.acquire();
                b.length(b.writableLength());
                b.segment().asSlice(b.offset(), b.length()).fill((byte) i);
                all.add(b);
            }
            for (PacketBuffer b : all) {
                byte expected = b.toArray()[0];
                assertThat(b.toArray()).containsOnly(expected);
                b.release();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void twoThreadsSharingAPoolNeverGetTheSameSlot(BiFunction<Integer, Integer, PacketPool> kind) throws Exception {
        try (PacketPool pool = kind.apply(16, 64)) {
            AtomicInteger[] holders = new AtomicInteger[16];
            for (int i = 0; i < 16; i++) {
                holders[i] = new AtomicInteger();
            }
            AtomicInteger conflicts = new AtomicInteger();
            CountDownLatch start = new CountDownLatch(1);
            Runnable worker = () -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 200_000; i++) {
                    PacketBuffer b = pool.acquire();
                    if (b == null) {
                        continue;
                    }
                    if (holders[b.slot()].incrementAndGet() != 1) {
                        conflicts.incrementAndGet();
                    }
                    holders[b.slot()].decrementAndGet();
                    b.release();
                }
            };
            Thread t1 = new Thread(worker);
            Thread t2 = new Thread(worker);
            t1.start();
            t2.start();
            start.countDown();
            t1.join();
            t2.join();
            assertThat(conflicts.get()).isZero();
            assertThat(pool.outstanding()).isZero();
        }
    }

    @org.junit.jupiter.api.Test
    void aClosedNativePoolRefusesAccess() {
        PacketPool pool = PacketPool.nativeMemory(1, 64);
        PacketBuffer b = pool.acquire().put(new byte[] {1});
        pool.close();
        assertThatThrownBy(b::toArray).isInstanceOf(IllegalStateException.class);
    }

    @org.junit.jupiter.api.Test
    void roomBelowTheMinimumIsRefused() {
        assertThatThrownBy(() -> PacketPool.heap(4, 16, 1200, 32)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PacketPool.heap(0, 1200)).isInstanceOf(IllegalArgumentException.class);
    }
}
