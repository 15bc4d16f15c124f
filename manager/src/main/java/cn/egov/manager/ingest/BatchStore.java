package cn.egov.manager.ingest;

import java.sql.SQLException;
import java.util.List;

/** Writes one batch of decoded input in one transaction; returns what was newly stored. */
@FunctionalInterface
public interface BatchStore {

    /**
     * @return the messages that were new (duplicates by message id are left out)
     * @throws SQLException when nothing of the batch was committed
     */
    List<IngestRecord.Decoded> store(List<IngestRecord> batch) throws SQLException;
}
