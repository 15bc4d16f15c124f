package cn.egov.manager.export;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.fontbox.ttf.OpenTypeFont;
import org.apache.fontbox.ttf.TrueTypeCollection;
import org.apache.fontbox.ttf.TrueTypeFont;
import org.apache.fontbox.ttf.TTFParser;
import org.apache.pdfbox.io.RandomAccessReadBufferedFile;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.font.PDType0Font;

/**
 * The CJK TrueType font that exported PDFs embed (as a subset of the glyphs used, so a report
 * with Chinese text reads the same on any machine and {@code pdftotext} gives the text back). A
 * TrueType collection ({@code .ttc}) gives its first font. Debian's {@code fonts-wqy-microhei}
 * ({@link #DEFAULT_PATH}) works; Noto CJK ({@code fonts-noto-cjk}) does not: its outlines are CFF,
 * which PDFBox cannot embed as a subset.
 */
public final class CjkFont {

    /** Debian's fonts-wqy-microhei. */
    public static final String DEFAULT_PATH = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc";

    private final Path path;

    private CjkFont(Path path) {
        this.path = path;
    }

    /**
     * The font at {@code path}, checked now: a missing or unreadable file, or one PDFBox cannot
     * embed, is an {@link IllegalArgumentException} whose message names the file and the fix.
     *
     * @param key the configuration key that named it, for the message
     */
    public static CjkFont at(Path path, String key) {
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException(key + " " + path + ": no such font file; install Debian's fonts-wqy-microhei"
                    + " (apt-get install fonts-wqy-microhei) or set " + key + " to a TrueType font with Chinese glyphs");
        }
        CjkFont font = new CjkFont(path);
        try (PDDocument probe = new PDDocument(); Loaded l = font.load(probe)) {
            // a one-line document saved: the subset is made at save, where an unusable font fails
            org.apache.pdfbox.pdmodel.PDPage page = new org.apache.pdfbox.pdmodel.PDPage();
            probe.addPage(page);
            try (org.apache.pdfbox.pdmodel.PDPageContentStream s = new org.apache.pdfbox.pdmodel.PDPageContentStream(probe, page)) {
                s.beginText();
                s.setFont(l.font(), 10);
                s.showText("审计 audit");
                s.endText();
            }
            probe.save(java.io.OutputStream.nullOutputStream());
        } catch (IOException | RuntimeException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new IllegalArgumentException(why.startsWith(key) ? why : key + " " + path + ": cannot embed this font (" + why
                    + "); use a TrueType font with Chinese glyphs such as " + DEFAULT_PATH, e);
        }
        return font;
    }

    public Path path() {
        return path;
    }

    /** The font loaded into {@code doc}; close it after the document was saved (the subset is written at save). */
    public Loaded load(PDDocument doc) throws IOException {
        if (path.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".ttc")) {
            TrueTypeCollection ttc = new TrueTypeCollection(path.toFile());
            try {
                AtomicReference<TrueTypeFont> first = new AtomicReference<>();
                ttc.processAllFonts(f -> first.compareAndSet(null, f));
                if (first.get() == null) {
                    throw new IOException("the collection holds no font");
                }
                return new Loaded(PDType0Font.load(doc, supported(first.get()), true), ttc);
            } catch (IOException | RuntimeException e) {
                ttc.close();
                throw e;
            }
        }
        TrueTypeFont ttf = new TTFParser().parse(new RandomAccessReadBufferedFile(path.toFile()));
        try {
            return new Loaded(PDType0Font.load(doc, supported(ttf), true), ttf);
        } catch (IOException | RuntimeException e) {
            ttf.close();
            throw e;
        }
    }

    private static TrueTypeFont supported(TrueTypeFont f) throws IOException {
        if (f instanceof OpenTypeFont otf && otf.isPostScript() || !f.getTableMap().containsKey("glyf")) {
            throw new IOException("its outlines are CFF, not TrueType (as in Noto CJK): PDFBox cannot embed them as a subset");
        }
        return f;
    }

    /** A font loaded into one document and the file it reads from. */
    public record Loaded(PDType0Font font, java.io.Closeable source) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            source.close();
        }
    }
}
