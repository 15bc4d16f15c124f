package cn.egov.manager.export;

/**
 * What a part needs to export signed PDFs, made once at the manager's start: the font and the
 * signer, or why there is none.
 *
 * @param font        the CJK font, or null when {@code fontProblem} says why not
 * @param fontProblem one line naming the font file and the fix, or null
 * @param signer      the manager's report signer, or null when the manager runs without its CA
 */
public record DocumentKit(CjkFont font, String fontProblem, DocumentSigner signer) {

    /** Why a signed PDF cannot be made now (one line for the caller and the log), or null. */
    public String pdfProblem() {
        if (font == null) {
            return fontProblem;
        }
        if (signer == null) {
            return "the manager has no report-signing certificate: run it with the provincial CA (ca.passphrase-file)";
        }
        return null;
    }
}
