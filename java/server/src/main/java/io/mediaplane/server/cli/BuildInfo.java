package io.mediaplane.server.cli;

import picocli.CommandLine;

/** The version string: the jar's Implementation-Version when packaged, else "development". */
final class BuildInfo implements CommandLine.IVersionProvider {
    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "development" : v;
    }

    @Override
    public String[] getVersion() {
        return new String[] {"mediaplane " + version()};
    }
}
