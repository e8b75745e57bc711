package org.turnctl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.turnctl.probe.report.ExitCode;
import picocli.CommandLine;

class TurnctlTest {

    private record Result(int code, String out, String err) {
    }

    private static Result run(String... args) {
        CommandLine cl = Turnctl.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void versionNamesTheBuiltVersion() {
        Result r = run("--version");
        assertEquals(0, r.code);
        assertTrue(r.out.startsWith("turnctl "), r.out);
        assertTrue(!r.out.contains("${project.version}") && !r.out.contains("unknown"), r.out);
    }

    @Test
    void helpListsExitCodes() {
        Result r = run("--help");
        assertEquals(0, r.code);
        assertTrue(r.out.contains("Usage: turnctl"), r.out);
        assertTrue(r.out.contains("Exit codes"), r.out);
    }

    @Test
    void unknownOptionIsAUsageErrorWithOneLine() {
        Result r = run("--no-such-option");
        assertEquals(ExitCode.USAGE.code(), r.code);
        assertTrue(r.err.startsWith("Unknown option: '--no-such-option'"), r.err);
    }

    @Test
    void noCommandIsAUsageError() {
        Result r = run();
        assertEquals(ExitCode.USAGE.code(), r.code);
        assertTrue(r.err.contains("Missing command"), r.err);
    }

    @Test
    void helpParagraphsWrapBetweenWordsNotMidSentence() {
        for (String command : new String[] {"probe", "serve"}) {
            Result r = run(command, "--help");
            assertEquals(0, r.code);
            // The description: after the synopsis (its continuation lines are indented), before
            // the option list (indented again).
            java.util.List<String> lines = r.out.lines().toList();
            int first = 1;
            while (lines.get(first).startsWith(" ")) {
                first++;
            }
            int end = first;
            while (!lines.get(end).startsWith(" ")) {
                end++;
            }
            String description = String.join("\n", lines.subList(first, end));
            assertTrue(end - first >= 2, r.out);
            for (String line : lines.subList(first, end)) {
                // A wrapped paragraph fills its lines; the old help broke explicit lines at 80
                // columns and left a word or two on a line of their own ("the", "error,").
                assertTrue(line.strip().split(" ").length > 2, command + ": stray line '" + line + "' in\n" + description);
            }
        }
        assertTrue(run("probe", "--help").out.replaceAll("\\s+", " ").contains("relaying, and the connection success rate"));
    }
}
