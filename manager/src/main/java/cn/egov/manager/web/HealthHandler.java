package cn.egov.manager.web;

import cn.egov.manager.store.Database;
import java.sql.Connection;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** {@code GET /api/health}: 200 when the store answers and the subscriber is connected, else 503. */
final class HealthHandler implements Request.Handler {
    private final Database database;
    private final BooleanSupplier brokerUp;

    HealthHandler(Database database, BooleanSupplier brokerUp) {
        this.database = database;
        this.brokerUp = brokerUp;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        Map<String, Object> out = new LinkedHashMap<>();
        boolean dbUp;
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            s.executeQuery("SELECT 1").close();
            dbUp = true;
        } catch (Exception e) {
            dbUp = false;
        }
        boolean mqttUp = brokerUp.getAsBoolean();
        out.put("status", dbUp && mqttUp ? "UP" : "DOWN");
        out.put("database", dbUp ? "UP" : "DOWN");
        out.put("broker", mqttUp ? "UP" : "DOWN");
        return Json.write(response, callback, dbUp && mqttUp ? 200 : 503, out);
    }
}
