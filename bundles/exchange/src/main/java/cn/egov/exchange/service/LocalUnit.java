package cn.egov.exchange.service;

import cn.egov.exchange.cms.DecryptionKey;
import cn.egov.exchange.cms.SigningKey;
import cn.egov.rules.unit.UnitCode;

/** A unit this box serves, with its exchange keys. */
public record LocalUnit(UnitCode unit, SigningKey signing, DecryptionKey decryption) {
}
