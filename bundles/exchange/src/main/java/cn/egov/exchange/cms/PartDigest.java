package cn.egov.exchange.cms;

/**
 * The digest of one part of a document, as the sender recorded it and the receipt repeats it.
 *
 * @param name      the part's file name
 * @param size      bytes
 * @param algorithm {@link DigestAlgorithm#label()}
 * @param digest    lower-case hex
 */
public record PartDigest(String name, long size, String algorithm, String digest) {
}
