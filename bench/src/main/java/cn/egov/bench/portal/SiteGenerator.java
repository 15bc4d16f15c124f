package cn.egov.bench.portal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A government website as the benchmarks need it, the same bytes on every run (seeded): HTML
 * pages with Chinese text, style sheets, scripts and images in the proportions and sizes of a
 * county portal (many small pages, fewer larger images).
 */
final class SiteGenerator {

    private static final String TEXT = "保定市竞秀区人民政府门户网站关于做好防汛工作的通知各乡镇人民政府区直各部门为切实做好今年防汛工作确保人民群众生命财产安全";

    private SiteGenerator() {
    }

    /**
     * The serving benchmark's site: 1,000 files (600 HTML 4–40 KB, 100 CSS 2–30 KB, 100 JS 5–80 KB,
     * 199 images 5–150 KB, and index.html); returns the URL paths.
     */
    static List<String> portal(Path dir, long seed) throws IOException {
        Random r = new Random(seed);
        List<String> paths = new ArrayList<>();
        paths.add(write(dir, "index.html", html(r, 12_000, "首页")));
        for (int i = 0; i < 600; i++) {
            paths.add(write(dir, "news/" + (2020 + i % 6) + "/" + i + ".html", html(r, 4_000 + r.nextInt(36_000), "新闻 " + i)));
        }
        for (int i = 0; i < 100; i++) {
            paths.add(write(dir, "css/s" + i + ".css", text(r, 2_000 + r.nextInt(28_000), "body{margin:0}.c" + i + "{color:#1f3b63}\n")));
        }
        for (int i = 0; i < 100; i++) {
            paths.add(write(dir, "js/m" + i + ".js", text(r, 5_000 + r.nextInt(75_000), "function f" + i + "(a){return a+" + i + ";}\n")));
        }
        for (int i = 0; i < 199; i++) {
            paths.add(write(dir, "img/p" + i + (i % 3 == 0 ? ".jpg" : ".png"), binary(r, 5_000 + r.nextInt(145_000))));
        }
        return paths;
    }

    /** The sync benchmark's site: {@code files} images of {@code size} bytes each (random: nothing compresses). */
    static List<String> bulk(Path dir, int files, int size, long seed) throws IOException {
        Random r = new Random(seed);
        List<String> paths = new ArrayList<>();
        paths.add(write(dir, "index.html", html(r, 8_000, "首页")));
        for (int i = 1; i < files; i++) {
            paths.add(write(dir, "img/p" + i + ".jpg", binary(r, size)));
        }
        return paths;
    }

    /** Rewrites {@code paths} with new content of the same size. */
    static void change(Path dir, List<String> paths, long seed) throws IOException {
        Random r = new Random(seed);
        for (String p : paths) {
            Path f = dir.resolve(p.startsWith("/") ? p.substring(1) : p);
            Files.write(f, binary(r, (int) Files.size(f)));
        }
    }

    private static String write(Path dir, String rel, byte[] content) throws IOException {
        Path f = dir.resolve(rel);
        Files.createDirectories(f.getParent());
        Files.write(f, content);
        return "/" + rel;
    }

    private static byte[] html(Random r, int size, String title) {
        StringBuilder b = new StringBuilder("<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>").append(title)
                .append("</title><link rel=\"stylesheet\" href=\"/css/s1.css\"></head><body><h1>").append(title).append("</h1>");
        while (b.length() * 2 < size) {
            b.append("<p>");
            for (int i = 0; i < 60; i++) {
                b.append(TEXT.charAt(r.nextInt(TEXT.length())));
            }
            b.append("</p>\n");
        }
        return b.append("</body></html>\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] text(Random r, int size, String line) {
        StringBuilder b = new StringBuilder();
        while (b.length() < size) {
            b.append(line).append("/*").append(r.nextInt()).append("*/\n");
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] binary(Random r, int size) {
        byte[] b = new byte[size];
        r.nextBytes(b);
        return b;
    }
}
