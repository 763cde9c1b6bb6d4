package io.mediaplane.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code mediaplane}: the command line. Subcommands do the work; this only dispatches. */
@Command(name = "mediaplane",
        mixinStandardHelpOptions = true,
        versionProvider = BuildInfo.class,
        description = "A media plane for live screen sharing and streaming.",
        subcommands = {ServeCommand.class, DoctorCommand.class, CryptoCommand.class, RtpCommand.class,
            DecodeCommand.class, SnapshotCommand.class, IpcCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }
}
