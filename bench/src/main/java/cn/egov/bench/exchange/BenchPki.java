package cn.egov.bench.exchange;

import cn.egov.exchange.cms.DecryptionKey;
import cn.egov.exchange.cms.SigningKey;
import cn.egov.exchange.service.LocalUnit;
import cn.egov.manager.ca.CaSettings;
import cn.egov.manager.ca.KeyPairs;
import cn.egov.manager.ca.ProvincialCa;
import cn.egov.rules.unit.UnitCode;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.Optional;

/** The manager's CA in process, issuing units' exchange keys as EST would (no address plan: every unit may). */
final class BenchPki implements AutoCloseable {

    final ProvincialCa ca;

    BenchPki(Path dir) throws Exception {
        ca = ProvincialCa.create(dir, "bench passphrase".toCharArray(), CaSettings.defaults("http://127.0.0.1:9"), (u, d) -> Optional.empty());
    }

    /** A unit's keys: signing with SM2 or P-256, encryption P-256, certificates from the CA's profiles. */
    LocalUnit unit(UnitCode unit, boolean sm2) throws Exception {
        KeyPair signing = sm2 ? KeyPairs.sm2() : KeyPairs.p256();
        var signingCert = ca.issueSigning(signing.getPublic(), unit);
        KeyPair encryption = KeyPairs.p256();
        var encryptionCert = ca.issueEncryption(encryption.getPublic(), unit);
        return new LocalUnit(unit, new SigningKey(signing.getPrivate(), List.of(signingCert,
                sm2 ? ca.sm2SigningCaCertificate() : ca.issuingCertificate())), new DecryptionKey(encryption.getPrivate(), encryptionCert));
    }

    @Override
    public void close() throws Exception {
        ca.close();
    }
}
