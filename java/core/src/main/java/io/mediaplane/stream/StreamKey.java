package io.mediaplane.stream;

import java.util.Objects;

/**
 * Names one stream: the application (or room) it belongs to and its name within it, e.g. {@code live/obs} or
 * {@code guild-1234/screen-5678}. Neither part may be empty or contain '/', so {@link #toString()} is unambiguous.
 */
public record StreamKey(String application, String name) {
    public StreamKey {
        check("application", application);
        check("name", name);
    }

    public static StreamKey of(String application, String name) {
        return new StreamKey(application, name);
    }

    private static void check(String what, String value) {
        Objects.requireNonNull(value, what);
        if (value.isEmpty() || value.indexOf('/') >= 0) {
            throw new IllegalArgumentException("stream " + what + " must be non-empty and contain no '/': " + value);
        }
    }

    @Override
    public String toString() {
        return application + '/' + name;
    }
}
