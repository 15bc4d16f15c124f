package cn.egov.exchange.web;

import cn.egov.rules.unit.UnitCode;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * The units a clerk can send to, and whether the box holds the hub's directory of recipient units: the one answer
 * the send page (its {@code #no-directory} note) and {@code GET /exchange/api/units} (its {@code directory} field)
 * both give. A box whose backbone was never up has no directory and can send only to the other units it serves.
 *
 * @param units     the units of the hub's directory and this box's others, sorted, without the clerk's own
 * @param directory whether the hub's directory has arrived
 */
public record Recipients(List<String> units, Directory directory) {

    /** Whether the hub's directory is on the box; the API writes it in lower case ({@code "received"}, {@code "missing"}). */
    public enum Directory {
        /** The hub sent its directory (at a BIRTH or when a unit changed): every unit it lists can be sent to. */
        RECEIVED,
        /** No directory yet: the hub sends it when the backbone is up. */
        MISSING;

        /** The value of the API's {@code directory} field. */
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public Recipients {
        units = List.copyOf(units);
    }

    /** What a clerk of {@code self} can send to, given the hub's {@code directory} and the {@code boxUnits} this box serves. */
    static Recipients of(List<String> directory, List<UnitCode> boxUnits, UnitCode self) {
        TreeSet<String> all = new TreeSet<>(directory);
        boxUnits.forEach(u -> all.add(u.toString()));
        all.remove(self.toString());
        return new Recipients(List.copyOf(all), directory.isEmpty() ? Directory.MISSING : Directory.RECEIVED);
    }

    /** True when the box has no directory yet (the send page says so). */
    public boolean directoryMissing() {
        return directory == Directory.MISSING;
    }
}
