package cn.egov.manager.export;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * A CSV export as Excel opens it: UTF-8 with a byte-order mark (else Excel reads Chinese as the
 * local code page), RFC 4180 quoting (commons-csv), CRLF line ends. A cell that a spreadsheet would
 * take for a formula (it starts with {@code = + - @}, a tab or a carriage return: CSV injection,
 * OWASP) is written with a leading apostrophe, so the text from boxes is shown, never run.
 */
public final class CsvTable {

    /** The UTF-8 byte-order mark. */
    public static final char BOM = '\uFEFF';

    private final List<List<String>> rows = new ArrayList<>();

    /** Adds one row; null cells are empty. */
    public CsvTable row(Object... cells) {
        List<String> r = new ArrayList<>(cells.length);
        for (Object c : cells) {
            r.add(safe(c == null ? "" : String.valueOf(c)));
        }
        rows.add(r);
        return this;
    }

    /** The cell as written: with a leading apostrophe when a spreadsheet would read a formula. */
    public static String safe(String cell) {
        if (cell.isEmpty()) {
            return cell;
        }
        char first = cell.charAt(0);
        return first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r' ? "'" + cell : cell;
    }

    /** The table as bytes: BOM, then the rows. */
    public byte[] bytes() {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(64 * rows.size() + 16);
        try (Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
             CSVPrinter printer = new CSVPrinter(w, CSVFormat.RFC4180)) {
            w.write(BOM);
            for (List<String> r : rows) {
                printer.printRecord(r);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return out.toByteArray();
    }
}
