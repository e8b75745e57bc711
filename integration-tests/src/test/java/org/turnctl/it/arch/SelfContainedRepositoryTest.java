package org.turnctl.it.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A clone is all a user has: no file may point at material outside the repository (the founding
 * design document beside the project folder is not in a clone), and every relative Markdown link
 * must resolve inside it.
 */
class SelfContainedRepositoryTest {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
    /** Spelled in two parts so that this file does not match itself. */
    private static final Pattern OUTSIDE = Pattern.compile("\\.\\./" + "shared|\\bshared/" + "DESIGN");
    private static final Pattern MARKDOWN_LINK = Pattern.compile("\\]\\(([^)#:]+)(#[^)]*)?\\)");

    private static List<Path> trackedTextFiles() throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> all = Files.walk(ROOT)) {
            all.filter(Files::isRegularFile)
                    .filter(p -> !ROOT.relativize(p).toString().matches("(.*/)?(target|\\.git)/.*|\\.git/.*"))
                    .forEach(files::add);
        }
        return files;
    }

    private static String text(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (MalformedInputException binary) {
            return "";
        } catch (IOException e) {
            throw new IllegalStateException(p.toString(), e);
        }
    }

    @Test
    void nothingPointsOutsideTheRepository() throws IOException {
        List<String> offenders = new ArrayList<>();
        for (Path p : trackedTextFiles()) {
            Matcher m = OUTSIDE.matcher(text(p));
            if (m.find()) {
                offenders.add(ROOT.relativize(p) + ": " + m.group());
            }
        }
        assertEquals(List.of(), offenders);
    }

    @Test
    void markdownLinksResolveInsideTheRepository() throws IOException {
        List<String> broken = new ArrayList<>();
        int links = 0;
        for (Path p : trackedTextFiles()) {
            if (!p.toString().endsWith(".md")) {
                continue;
            }
            Matcher m = MARKDOWN_LINK.matcher(text(p));
            while (m.find()) {
                links++;
                Path target = p.getParent().resolve(m.group(1)).normalize();
                if (!target.startsWith(ROOT) || !Files.exists(target)) {
                    broken.add(ROOT.relativize(p) + " -> " + m.group(1));
                }
            }
        }
        assertEquals(List.of(), broken);
        assertTrue(links > 0, "the README links the architecture document");
        assertTrue(Files.exists(ROOT.resolve("docs/ARCHITECTURE.md")));
    }
}
