package org.turnctl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
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
        assertEquals(ExitCodes.USAGE, r.code);
        assertTrue(r.err.startsWith("Unknown option: '--no-such-option'"), r.err);
    }

    @Test
    void noCommandIsAUsageError() {
        Result r = run();
        assertEquals(ExitCodes.USAGE, r.code);
        assertTrue(r.err.contains("Missing command"), r.err);
    }
}
