package cn.egov.manager.export;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.PDDocumentNameDictionary;
import org.apache.pdfbox.pdmodel.PDEmbeddedFilesNameTreeNode;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.common.filespecification.PDComplexFileSpecification;
import org.apache.pdfbox.pdmodel.common.filespecification.PDEmbeddedFile;
import org.apache.pdfbox.pdmodel.font.PDType0Font;

/**
 * Lays text out on A4 pages with the embedded CJK font: headings, paragraphs and tables whose
 * cells wrap (Chinese has no spaces: a line breaks between any two characters, Latin text at the
 * last space that fits), a new page when the next line does not fit (a table repeats its header),
 * and on every page a running header and "page n / N". Characters the font lacks are written as
 * {@code ?}, so text from boxes can never stop an export.
 *
 * <pre>{@code
 * try (PdfLayout pdf = PdfLayout.open(font, "审计报告 Audit report", "SHA-256 " + digest.sha256())) {
 *     pdf.heading("汇总 Summary");
 *     pdf.table(new float[]{3, 1}, List.of("item", "verdict"), rows);
 *     pdf.attach("evidence.json", "application/json", digest.json());
 *     byte[] unsigned = pdf.bytes();
 * }
 * }</pre>
 */
public final class PdfLayout implements AutoCloseable {

    private static final PDRectangle PAGE = PDRectangle.A4;
    private static final float MARGIN = 40;
    private static final float BODY = 8.5f;
    private static final float HEADING = 12;
    private static final float TITLE = 16;
    private static final float LEADING = 1.3f;
    private static final float CELL_PAD = 2;
    private static final float TOP = PAGE.getHeight() - MARGIN - 14; // below the running header

    private final PDDocument doc = new PDDocument();
    private final CjkFont.Loaded loaded;
    private final PDType0Font font;
    private final String runningHeader;
    private final Map<Integer, Boolean> glyphs = new HashMap<>();
    private PDPageContentStream out;
    private float y;

    private PdfLayout(CjkFont font, String title, String runningHeader) throws IOException {
        this.loaded = font.load(doc);
        this.font = loaded.font();
        this.runningHeader = runningHeader;
        PDDocumentInformation info = doc.getDocumentInformation();
        info.setTitle(title);
        info.setProducer("egov manager");
        info.setCreationDate(Calendar.getInstance());
    }

    /** A new document; {@code runningHeader} is printed at the top of every page. */
    public static PdfLayout open(CjkFont font, String title, String runningHeader) throws IOException {
        PdfLayout l = new PdfLayout(font, title, runningHeader);
        l.newPage();
        l.line(title, TITLE);
        l.y -= 4;
        return l;
    }

    public PdfLayout heading(String text) throws IOException {
        y -= 6;
        need(HEADING * LEADING * 2);
        return line(text, HEADING);
    }

    /** A paragraph, wrapped to the page width. */
    public PdfLayout paragraph(String text) throws IOException {
        for (String l : wrap(text, BODY, width())) {
            line(l, BODY);
        }
        return this;
    }

    /** A smaller heading (a unit in a long report). */
    public PdfLayout subheading(String text) throws IOException {
        y -= 3;
        need(BODY * LEADING * 4);
        return line(text, BODY + 1.5f);
    }

    /** A key–value list, one pair a line, keys in a column of their own. */
    public PdfLayout facts(List<String[]> pairs) throws IOException {
        return table(new float[]{1, 3}, null, pairs.stream().map(p -> List.of(p[0], p[1])).toList());
    }

    /**
     * A table: {@code weights} share the page width between the columns; {@code header} (or null)
     * is repeated on each page the table spans.
     */
    public PdfLayout table(float[] weights, List<String> header, List<List<String>> rows) throws IOException {
        float total = 0;
        for (float w : weights) {
            total += w;
        }
        float[] widths = new float[weights.length];
        for (int i = 0; i < weights.length; i++) {
            widths[i] = width() * weights[i] / total;
        }
        if (header != null) {
            row(widths, header, true);
        }
        for (List<String> r : rows) {
            List<List<String>> cells = cells(widths, r);
            int lines = cells.stream().mapToInt(List::size).max().orElse(1);
            if (!fits(lines) && header != null) {
                newPage();
                row(widths, header, true);
            }
            row(widths, cells, lines);
        }
        y -= 4;
        return this;
    }

    /** Attaches a file (the evidence) to the document: {@code pdfdetach} extracts it. */
    public PdfLayout attach(String name, String mimeType, byte[] content) throws IOException {
        PDEmbeddedFile file = new PDEmbeddedFile(doc, new ByteArrayInputStream(content));
        file.setSubtype(mimeType);
        file.setSize(content.length);
        file.setCreationDate(Calendar.getInstance());
        PDComplexFileSpecification spec = new PDComplexFileSpecification();
        spec.setFile(name);
        spec.setFileUnicode(name);
        spec.setEmbeddedFile(file);
        spec.setEmbeddedFileUnicode(file);
        PDEmbeddedFilesNameTreeNode tree = new PDEmbeddedFilesNameTreeNode();
        tree.setNames(Map.of(name, spec));
        PDDocumentNameDictionary names = new PDDocumentNameDictionary(doc.getDocumentCatalog());
        names.setEmbeddedFiles(tree);
        doc.getDocumentCatalog().setNames(names);
        return this;
    }

    /** The finished document (page numbers written), not yet signed. */
    public byte[] bytes() throws IOException {
        endPage();
        int n = doc.getNumberOfPages();
        for (int i = 0; i < n; i++) {
            try (PDPageContentStream s = new PDPageContentStream(doc, doc.getPage(i), PDPageContentStream.AppendMode.APPEND, true)) {
                text(s, runningHeader, BODY - 1, MARGIN, PAGE.getHeight() - MARGIN + 2);
                String page = "第 " + (i + 1) + " / " + n + " 页 page " + (i + 1) + " / " + n;
                text(s, page, BODY - 1, PAGE.getWidth() - MARGIN - font.getStringWidth(page) / 1000 * (BODY - 1), MARGIN - 20);
            }
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 * 1024);
        doc.save(bytes);
        return bytes.toByteArray();
    }

    private float width() {
        return PAGE.getWidth() - 2 * MARGIN;
    }

    private List<List<String>> cells(float[] widths, List<String> row) throws IOException {
        List<List<String>> cells = new ArrayList<>(widths.length);
        for (int i = 0; i < widths.length; i++) {
            cells.add(wrap(i < row.size() ? row.get(i) : "", BODY, widths[i] - 2 * CELL_PAD));
        }
        return cells;
    }

    private void row(float[] widths, List<String> header, boolean bold) throws IOException {
        List<List<String>> cells = cells(widths, header);
        int lines = cells.stream().mapToInt(List::size).max().orElse(1);
        if (!fits(lines)) {
            newPage();
        }
        if (bold) {
            out.setNonStrokingColor(0.9f, 0.9f, 0.9f);
            out.addRect(MARGIN, y - lines * BODY * LEADING - CELL_PAD, width(), lines * BODY * LEADING + CELL_PAD);
            out.fill();
            out.setNonStrokingColor(0f, 0f, 0f);
        }
        row(widths, cells, lines);
    }

    private void row(float[] widths, List<List<String>> cells, int lines) throws IOException {
        if (!fits(lines)) {
            newPage();
        }
        float x = MARGIN;
        for (int i = 0; i < widths.length; i++) {
            float ly = y - BODY;
            for (String l : cells.get(i)) {
                text(out, l, BODY, x + CELL_PAD, ly);
                ly -= BODY * LEADING;
            }
            x += widths[i];
        }
        y -= lines * BODY * LEADING + CELL_PAD;
        out.setStrokingColor(0.75f, 0.75f, 0.75f);
        out.setLineWidth(0.3f);
        out.moveTo(MARGIN, y);
        out.lineTo(MARGIN + width(), y);
        out.stroke();
    }

    private boolean fits(int lines) {
        return y - lines * BODY * LEADING - CELL_PAD >= MARGIN;
    }

    private void need(float height) throws IOException {
        if (y - height < MARGIN) {
            newPage();
        }
    }

    private PdfLayout line(String text, float size) throws IOException {
        need(size * LEADING);
        text(out, text, size, MARGIN, y - size);
        y -= size * LEADING;
        return this;
    }

    private void text(PDPageContentStream s, String text, float size, float x, float baseline) throws IOException {
        s.beginText();
        s.setFont(font, size);
        s.newLineAtOffset(x, baseline);
        s.showText(printable(text).replace('\n', ' '));
        s.endText();
    }

    private void newPage() throws IOException {
        endPage();
        PDPage page = new PDPage(PAGE);
        doc.addPage(page);
        out = new PDPageContentStream(doc, page);
        y = TOP;
    }

    private void endPage() throws IOException {
        if (out != null) {
            out.close();
            out = null;
        }
    }

    /** Lines of at most {@code width} points. */
    List<String> wrap(String text, float size, float width) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String para : printable(text).split("\n", -1)) {
            StringBuilder line = new StringBuilder();
            float w = 0;
            int lastSpace = -1;
            for (int i = 0; i < para.length(); ) {
                int cp = para.codePointAt(i);
                String ch = new String(Character.toChars(cp));
                float cw = font.getStringWidth(ch) / 1000 * size;
                if (w + cw > width && line.length() > 0) {
                    if (cp != ' ' && lastSpace > 0 && lastSpace < line.length() && isLatin(cp)) {
                        String rest = line.substring(lastSpace + 1);
                        lines.add(line.substring(0, lastSpace));
                        line.setLength(0);
                        line.append(rest);
                    } else {
                        lines.add(line.toString());
                        line.setLength(0);
                    }
                    lastSpace = -1;
                    w = font.getStringWidth(line.toString()) / 1000 * size;
                    if (cp == ' ') {
                        i += Character.charCount(cp);
                        continue;
                    }
                }
                if (cp == ' ') {
                    lastSpace = line.length();
                }
                line.append(ch);
                w += cw;
                i += Character.charCount(cp);
            }
            lines.add(line.toString());
        }
        return lines;
    }

    private static boolean isLatin(int cp) {
        return cp < 0x2E80;
    }

    /** The text with control characters as spaces and characters the font lacks as {@code ?} (newlines kept). */
    String printable(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(text.length());
        text.codePoints().forEach(cp -> {
            if (cp == '\n') {
                sb.append('\n');
            } else if (Character.isISOControl(cp) || Character.getType(cp) == Character.FORMAT) {
                sb.append(' ');
            } else if (glyphs.computeIfAbsent(cp, this::hasGlyph)) {
                sb.appendCodePoint(cp);
            } else {
                sb.append('?');
            }
        });
        return sb.toString();
    }

    private boolean hasGlyph(int cp) {
        try {
            font.encode(new String(Character.toChars(cp)));
            return true;
        } catch (IllegalArgumentException | IOException e) {
            return false;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            endPage();
            doc.close();
        } finally {
            loaded.close();
        }
    }
}
