package io.mediaplane.ffi;

/**
 * One place a library may be loaded from, in the order {@link LibraryLoader#candidates} tries them.
 *
 * @param source   kind of place
 * @param location an absolute path (EXPLICIT_PATH), a soname (SYSTEM) or a classpath resource (BUNDLED)
 */
public record LibraryCandidate(Source source, String location) {

    public enum Source {
        /** {@code -Dmediaplane.lib.<id>.path}: the user said exactly which file. Nothing else is tried. */
        EXPLICIT_PATH,
        /** A soname resolved by the dynamic linker's search (ld.so.cache, LD_LIBRARY_PATH). */
        SYSTEM,
        /** A copy inside one of our jars, extracted to a cache folder before loading. */
        BUNDLED
    }

    @Override
    public String toString() {
        return source.name().toLowerCase(java.util.Locale.ROOT) + " " + location;
    }
}
