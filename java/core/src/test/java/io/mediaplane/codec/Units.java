package io.mediaplane.codec;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/** A FrameSink that keeps copies of what it is given, for assertions. */
final class Units implements FrameSink {
    record Unit(byte[] data, int timestamp, boolean keyframe, int lostPackets) {}

    final List<Unit> units = new ArrayList<>();

    @Override
    public void accept(MemorySegment data, long offset, int length, int timestamp, boolean keyframe, int lostPackets) {
        units.add(new Unit(data.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE), timestamp, keyframe,
                lostPackets));
    }

    List<byte[]> data() {
        return units.stream().map(Unit::data).toList();
    }

    int size() {
        return units.size();
    }

    Unit get(int i) {
        return units.get(i);
    }

    static List<byte[]> copy(List<byte[]> in) {
        return new ArrayList<>(in);
    }
}
