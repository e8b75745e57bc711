package org.turnctl.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.turnctl.cli.Turnctl;
import picocli.CommandLine;

/** The build's man pages (one per command) and bash/zsh completion, generated from the picocli model. */
class ManPagesAndCompletionIT {
    private static final Path MAN = DeploymentFilesIT.ROOT.resolve("cli/target/man/man1");
    private static final Path COMPLETION = DeploymentFilesIT.ROOT.resolve("cli/target/turnctl_completion");

    /** "turnctl", "turnctl-serve", "turnctl-sessions-list", ...: every command the CLI has. */
    private static List<String> pageNames(CommandLine cl, String prefix, List<String> into) {
        String name = prefix.isEmpty() ? cl.getCommandName() : prefix + "-" + cl.getCommandName();
        into.add(name);
        for (CommandLine sub : cl.getSubcommands().values()) {
            if (sub.getCommandSpec().aliases().length == 0 || !sub.getCommandName().equals(sub.getCommandSpec().aliases()[0])) {
                pageNames(sub, name, into);
            }
        }
        return into;
    }

    @Test
    void everyCommandHasAManPageThatRendersCleanly() throws Exception {
        DeploymentFilesIT.requireTool("man");
        List<String> pages = pageNames(Turnctl.commandLine(), "", new ArrayList<>());
        assertTrue(pages.contains("turnctl-serve") && pages.contains("turnctl-sessions-kill"), pages.toString());
        for (String page : pages) {
            Path file = MAN.resolve(page + ".1");
            assertTrue(Files.isRegularFile(file), "no man page " + file);
            DeploymentFilesIT.Run r = DeploymentFilesIT.exec(List.of("man", "-l", file.toString()),
                    Map.of("MANWIDTH", "120", "MANPAGER", "cat", "PAGER", "cat"));
            assertEquals(0, r.code(), page + ": " + r.output());
            String text = r.output();
            assertTrue(text.contains("NAME") && text.contains("SYNOPSIS"), page + ": " + text);
            // AsciiDoc markup that did not convert (an italic split across lines, say) shows as _WORD or WORD_.
            assertFalse(Pattern.compile("(^|[\\s\\[=,])_[A-Z]|[A-Z\\]]_([\\s\\[,.]|$)").matcher(
                    text.replaceAll("TURNCTL_[A-Z_]+", "")).find(), page + " has stray markup:\n" + text);
        }
        String serve = DeploymentFilesIT.exec(List.of("man", "-l", MAN.resolve("turnctl-serve.1").toString()),
                Map.of("MANWIDTH", "120", "MANPAGER", "cat", "PAGER", "cat")).output();
        for (String option : List.of("--drain-timeout", "--alternate-server", "--admin-token-file", "--external-ip")) {
            assertTrue(serve.contains(option), option);
        }
    }

    /** Completion as bash runs it: the script's function fills COMPREPLY for a half-typed word. */
    private static String complete(String... words) throws Exception {
        StringBuilder array = new StringBuilder();
        for (String w : words) {
            array.append('\'').append(w).append("' ");
        }
        String script = "source '" + COMPLETION + "' && COMP_WORDS=(" + array + ") && COMP_CWORD=" + (words.length - 1)
                + " && COMP_LINE=\"${COMP_WORDS[*]}\" && COMP_POINT=${#COMP_LINE} && { _complete_turnctl 2>/dev/null; echo \"${COMPREPLY[*]}\"; }";
        DeploymentFilesIT.Run r = DeploymentFilesIT.exec(List.of("bash", "-c", script));
        assertEquals(0, r.code(), r.output());
        return r.output().strip();
    }

    @Test
    void bashCompletesCommandsAndOptions() throws Exception {
        assertTrue(Files.isRegularFile(COMPLETION), COMPLETION.toString());
        assertEquals("serve sessions", complete("turnctl", "se"));
        assertEquals("--drain-timeout", complete("turnctl", "serve", "--drain-t"));
        assertEquals("list", complete("turnctl", "sessions", "l"));
        assertEquals("", complete("turnctl", "no-such-command-prefix"));
    }

    @Test
    void zshLoadsTheSameScript() throws Exception {
        DeploymentFilesIT.requireTool("zsh");
        DeploymentFilesIT.Run r = DeploymentFilesIT.exec(List.of("zsh", "-c",
                "autoload -U +X compinit && compinit -u && autoload -U +X bashcompinit && bashcompinit && source '" + COMPLETION
                        + "' && complete -p turnctl"));
        assertEquals(0, r.code(), r.output());
        assertTrue(r.output().contains("-F _complete_turnctl"), r.output());
    }
}
