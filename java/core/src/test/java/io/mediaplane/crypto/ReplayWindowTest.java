package io.mediaplane.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ReplayWindowTest {
    private static boolean offer(ReplayWindow w, int counter) {
        if (!w.check(counter)) {
            return false;
        }
        w.accept(counter);
        return true;
    }

    @Test
    void acceptsEachCounterOnceInAnyOrderWithinTheWindow() {
        ReplayWindow w = new ReplayWindow(64);
        assertThat(offer(w, 10)).isTrue();
        assertThat(offer(w, 10)).isFalse();
        assertThat(offer(w, 12)).isTrue();
        assertThat(offer(w, 11)).isTrue(); // late but inside
        assertThat(offer(w, 11)).isFalse();
        assertThat(offer(w, 12 - 63)).isTrue(); // the oldest the window still covers
        assertThat(offer(w, 12 - 64)).isFalse(); // too old
        assertThat(offer(w, 100)).isTrue(); // jump clears the old bits
        assertThat(offer(w, 99)).isTrue();
        assertThat(offer(w, 12)).isFalse();
    }

    @Test
    void slidesAcrossTheWrapAt2To32() {
        ReplayWindow w = new ReplayWindow(1024);
        assertThat(offer(w, 0xFFFF_FFFE)).isTrue();
        assertThat(offer(w, 0xFFFF_FFFF)).isTrue();
        assertThat(offer(w, 0)).isTrue(); // wrapped: newer
        assertThat(offer(w, 1)).isTrue();
        assertThat(offer(w, 0xFFFF_FFFF)).isFalse(); // seen, one behind across the wrap
        assertThat(offer(w, 0xFFFF_FFFD)).isTrue(); // late, inside the window across the wrap
        assertThat(offer(w, 1 - 1024)).isFalse();
    }

    @Test
    void checkAloneChangesNothing() {
        ReplayWindow w = new ReplayWindow(64);
        assertThat(w.check(5)).isTrue();
        assertThat(w.check(5)).isTrue();
        w.accept(5);
        assertThat(w.check(5)).isFalse();
    }

    @Test
    void sizeZeroChecksNothing() {
        ReplayWindow w = new ReplayWindow(0);
        assertThat(offer(w, 3)).isTrue();
        assertThat(offer(w, 3)).isTrue();
    }

    @Test
    void sizeMustBeAPowerOfTwo() {
        assertThatThrownBy(() -> new ReplayWindow(100)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ReplayWindow(32)).isInstanceOf(IllegalArgumentException.class);
    }
}
