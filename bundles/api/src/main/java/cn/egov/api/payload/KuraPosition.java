package cn.egov.api.payload;

/**
 * KuraPosition (field numbers 1–9). Absent optional fields are {@code null}.
 */
public record KuraPosition(double latitude, double longitude, Double altitude, Double precision,
                           Double heading, Double speed, Long timestamp, Integer satellites, Integer status) {
}
