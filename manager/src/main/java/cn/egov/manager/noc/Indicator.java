package cn.egov.manager.noc;

/**
 * One indicator of a unit.
 *
 * @param aspect what it is about
 * @param level  how it stands
 * @param text   the figure behind it, in a few words (may quote what the box sent: escaped when shown)
 */
record Indicator(Aspect aspect, Level level, String text) {
}
